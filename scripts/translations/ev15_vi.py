"""Vietnamese for the issue 15 audit (ev15): the evidence check's stored search vector."""

VI = {
    "search index": "chỉ mục tìm kiếm",
}
