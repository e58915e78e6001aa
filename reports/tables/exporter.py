"""What a kind of table is: its specs (cheap, to list) and how one is built, with the form's shared parts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from scoring.models import AgencyResult

from ..models import ReportSettings
from ..selectors import BlockData, SnapshotData
from .table import Signature, Table
from .wording import date_line


@dataclass(frozen=True)
class TableSpec:
    """What a table is called before it is built: the list pages and the bundle enumerate these."""

    key: str
    file_stem: str
    label: str  # the agency or the summary's name
    exporter: ReportExporter
    block: BlockData | None = None
    result: AgencyResult | None = None

    @property
    def is_detail(self) -> bool:
        return self.result is not None

    def build(self, data: SnapshotData, config: ReportSettings) -> Table:
        return self.exporter.build(self, data, config)


class ReportExporter(ABC):
    identifier = ""
    verbose_name = ""

    @abstractmethod
    def specs(self, data: SnapshotData, numbering: str) -> list[TableSpec]:
        """The tables this exporter makes from one snapshot, numbered."""

    @abstractmethod
    def build(self, spec: TableSpec, data: SnapshotData, config: ReportSettings) -> Table:
        """One table's rows and columns."""

    # shared parts of the form

    def issuer(self, config: ReportSettings) -> list[str]:
        return [line for line in (config.issuer_name, config.council_name) if line]

    def signature(self, data: SnapshotData, config: ReportSettings) -> Signature:
        return Signature(
            config.table_signer_left,
            date_line(config.place_name, data.report_date),
            config.table_signer_right,
            config.table_signer_right_title,
            config.table_signer_right_name,
        )

    def title(self, data: SnapshotData, config: ReportSettings) -> str:
        return config.detail_title.replace("{year}", str(data.year)).replace("{period}", data.period.name)
