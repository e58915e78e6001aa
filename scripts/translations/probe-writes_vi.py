"""Vietnamese for the probe of writes into closed rounds (evidence deletion held to the policy)."""

VI = {
    "Only the agency's focal point can delete its evidence.": "Chỉ cán bộ đầu mối của cơ quan mới được xoá tài liệu kiểm chứng của cơ quan.",
}
