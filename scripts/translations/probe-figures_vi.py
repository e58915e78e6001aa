"""Vietnamese for the applicable max under a node's max on the agency pages; used with scripts/fill_po.py."""

VI = {
    "applicable: %(max)s": "áp dụng: %(max)s",
}
