"""Every list in every report comes from the snapshot: each agency in exactly one band and one head
class, every count printed equals the length of its list, reviews and rank changes as stored."""

from decimal import Decimal

import pytest

from reports.models import Numbering
from reports.tables import ascii_slug, head_of, table_specs
from scoring.engine import publish_round
from scoring.models import AgencyResult, HeadClass

DEPARTMENTS_BY_RANK = [
    "Sở Giao thông vận tải", "Sở Nội vụ", "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Thông tin và Truyền thông", "Sở Công Thương", "Sở Xây dựng",
    "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Thanh tra tỉnh", "Sở Tài chính",
    "Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Tư pháp",
    "Ban Quản lý các khu công nghiệp tỉnh", "Sở Y tế",
]  # fmt: skip


def test_detail_tables_are_numbered_a1_to_a18_and_b1_to_b12(data):
    """By rank (default): A1 is the leader, A18 the last; the summaries follow as TH1, TH2, …"""
    specs = table_specs(data)
    details = [spec for spec in specs if spec.is_detail]
    assert [spec.key for spec in details] == [f"A{n}" for n in range(1, 19)] + [f"B{n}" for n in range(1, 13)]
    assert [spec.label for spec in details[:18]] == DEPARTMENTS_BY_RANK
    assert details[0].file_stem == "2022_A01_so-giao-thong-van-tai"
    assert details[17].file_stem == "2022_A18_so-y-te"
    assert details[18].file_stem == "2022_B01_ubnd-huyen-nam-sach"
    summaries = [spec.key for spec in specs if not spec.is_detail]
    assert summaries == [f"TH{n}" for n in range(1, len(summaries) + 1)] and len(summaries) >= 7


def test_numbering_by_official_list_order(data):
    """Numbered by list order, A1 is the first agency of the official list (Agency.position), not the leader."""
    details = [spec for spec in table_specs(data, Numbering.LIST) if spec.is_detail]
    departments = [spec for spec in details if spec.key.startswith("A")]
    positions = [spec.result.agency.position for spec in departments]
    assert positions == sorted(positions)
    assert (
        departments[0].label == "Văn phòng UBND tỉnh"
        and departments[0].file_stem == "2022_A01_van-phong-ubnd-tinh"
    )
    assert {spec.label for spec in departments} == set(DEPARTMENTS_BY_RANK)


def test_ascii_slug_keeps_d_of_dj():
    assert ascii_slug("Sở Giáo dục và Đào tạo") == "so-giao-duc-va-dao-tao"
    assert ascii_slug("UBND thành phố Hải Dương") == "ubnd-thanh-pho-hai-duong"


def test_each_agency_is_in_exactly_one_band_and_counts_match(data):
    for block in data.blocks:
        groups = block.band_groups()
        members = [r.agency_id for group in groups for r in group.members]
        assert sorted(members) == sorted(r.agency_id for r in block.results)  # all, none twice
        for group in groups:
            assert all(r.band_code == group.code for r in group.members)
    departments, districts = data.blocks
    assert [len(g.members) for g in departments.band_groups()] == [3, 14, 1]
    assert [len(g.members) for g in districts.band_groups()] == [2, 9, 1, 0]
    # Kim Thành, listed in two bands by the 2022 report, is in one here.
    kim_thanh = [
        g.code for g in districts.band_groups() for r in g.members if r.agency.name == "UBND huyện Kim Thành"
    ]
    assert kim_thanh == ["tu-90"]


def test_heads_by_class_match_the_stored_head_class(data):
    for block in data.blocks:
        groups = block.head_groups()
        assert [g.code for g in groups] == list(HeadClass.values)
        for group in groups:
            assert [r.agency_id for r in group.members] == [
                r.agency_id for r in block.results if r.head_class == group.code
            ]
    departments, districts = data.blocks
    assert [len(g.members) for g in departments.head_groups()] == [3, 13, 2, 0]
    assert [len(g.members) for g in districts.head_groups()] == [2, 8, 2, 0]


def test_reviews_and_rank_changes_as_stored(data, snapshot):
    stored = AgencyResult.objects.filter(snapshot=snapshot)
    flagged = {r.agency.name: r.review_flags for block in data.blocks for r in block.reviews()}
    assert flagged == {r.agency.name: r.review_flags for r in stored if r.review_flags}
    assert len(flagged) == 6
    departments = data.blocks[0]
    rises = {r.agency.name: r.rank_change for r in departments.rank_rises()}
    falls = {r.agency.name: r.rank_change for r in departments.rank_falls()}
    assert rises["Sở Giáo dục và Đào tạo"] == 7 and falls["Sở Tư pháp"] == -2
    assert all(v > 0 for v in rises.values()) and all(v < 0 for v in falls.values())
    assert set(rises) | set(falls) == {r.agency.name for r in departments.results if r.rank_change}


def test_summary_tables_list_exactly_the_partitions(data, config):
    """The bands table prints a heading per band whose count equals the rows under it, and every
    agency once; the heads table likewise; the reviews table the six flagged agencies."""
    specs = {spec.exporter.identifier: spec for spec in table_specs(data) if not spec.is_detail}
    for identifier in ("bands", "heads"):
        table = specs[identifier].build(data, config)
        names, heading_count, counted = [], None, 0
        for row in table.rows:
            if row.style == "section":
                if heading_count is not None:
                    assert counted == heading_count, row.cells[0]
                text = row.cells[0]
                heading_count = (
                    (0 if "không có" in text else int(text.rsplit(": ", 1)[1].split()[0]))
                    if ": " in text
                    else None
                )
                counted = 0
            else:
                names.append(row.cells[1])
                counted += 1
        assert heading_count is None or counted == heading_count
        assert len(names) == 30 and len(set(names)) == 30
    reviews = specs["reviews"].build(data, config)
    assert [row.cells[1] for row in reviews.rows if row.style != "section"] == [
        r.agency.name for block in data.blocks for r in block.reviews()
    ]


def test_detail_table_of_the_leader(data, config):
    """A1: every node of the tree with max, self, appraised and final points, then totals and decisions."""
    spec = table_specs(data)[0]
    table = spec.build(data, config)
    block, result = spec.block, spec.result
    assert table.titles[1] == "Sở Giao thông vận tải"
    node_rows = [row for row in table.rows if row.style not in ("total", "fact")]
    assert [row.cells[0] for row in node_rows] == [entry.node.code for entry in block.tree]
    total = next(row for row in table.rows if row.style == "total")
    # the points as published, rounded once (exact 90.3000046…, the survey values being stored exactly)
    assert total.cells[5] == publish_round(result.points) == Decimal("90.30")
    assert total.cells[6] == Decimal("90.30")
    facts = {row.cells[0]: row.cells[1] for row in table.rows if row.style == "fact"}
    assert facts["Chỉ số CCHC (%)"] == Decimal("90.30")
    assert facts["Xếp hạng"] == "1/18"
    assert facts["Người đứng đầu"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert facts["Phải tổ chức kiểm điểm"] == "Không"
    areas = {row.cells[0]: row.cells[6] for row in node_rows if row.cells[6] is not None}
    assert areas == {code: Decimal(value) for code, value in result.area_indices.items() if value is not None}


def test_not_applicable_nodes_are_marked(data, config):
    """Văn phòng UBND tỉnh is not scored on inspecting subordinate units: the row says so, max 98."""
    spec = next(s for s in table_specs(data) if s.label == "Văn phòng UBND tỉnh")
    table = spec.build(data, config)
    row = next(r for r in table.rows if r.cells[0] == "1.3")
    assert "Không áp dụng" in row.cells[7] and row.cells[5] is None and "muted" in row.style
    assert any("98,00" in note for note in table.notes)


def test_head_of_joins_title_and_name():
    class Agency:
        def __init__(self, title, name):
            self.head_title, self.name = title, name

    assert head_of(Agency("Giám đốc Sở", "Sở Y tế")) == "Giám đốc Sở Y tế"
    assert head_of(Agency("Chủ tịch UBND", "UBND huyện Tứ Kỳ")) == "Chủ tịch UBND huyện Tứ Kỳ"
    assert (
        head_of(Agency("Trưởng Ban", "Ban Quản lý các khu công nghiệp tỉnh"))
        == "Trưởng Ban Quản lý các khu công nghiệp tỉnh"
    )
    assert head_of(Agency("", "Sở Y tế")) == "Thủ trưởng Sở Y tế"


@pytest.mark.parametrize("numbering", Numbering.values)
def test_report_data_query_count_does_not_grow(snapshot, numbering, django_assert_max_num_queries):
    from reports.selectors import report_data

    with django_assert_max_num_queries(18):  # 16, and the predecessor links (2 queries when agencies merged)
        table_specs(report_data(snapshot), numbering)


def test_an_area_with_a_criterion_not_applicable_gives_its_applicable_max(data, config, client):
    """Văn phòng UBND tỉnh: area 1 (max 14,5) without 1.3 (2 points) has 12,5 applicable; its published
    11,00 points are 88,00 % of 12,5, not of the 14,50 the max column prints. The total row already gives
    the applicable max; an area row must too, so a reader who divides its printed points by a printed max
    gets its printed index, in the tables (XLSX, PDF) and on the agency pages alike."""
    from django.urls import reverse

    from scoring.engine import published_index
    from tests.factories import UserFactory

    spec = next(s for s in table_specs(data) if s.label == "Văn phòng UBND tỉnh")
    table = spec.build(data, config)
    area = next(r for r in table.rows if r.cells[0] == "1")
    assert area.cells[2] == Decimal("14.5") and area.cells[6] == Decimal("88.00")
    assert "Điểm tối đa áp dụng: 12,50" in area.cells[7]
    assert published_index(area.cells[5], Decimal("12.5")) == area.cells[6]
    leader = next(s for s in table_specs(data) if s.label == "Sở Giao thông vận tải")  # nothing left out
    assert not any(
        "áp dụng:" in str(r.cells[-1]) for r in leader.build(data, config).rows if len(r.cells) == 8
    )
    client.force_login(UserFactory(username="noivu-max", role="home_affairs"))
    html = client.get(reverse("results:agency", args=[data.period.code, "vp-ubnd"])).content.decode()
    assert '14,50<div class="small text-secondary text-nowrap">áp dụng: 12,50</div>' in html
