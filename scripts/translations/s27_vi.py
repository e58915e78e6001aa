"""Vietnamese for the 27th session's strings; used with scripts/fill_po.py."""

VI = {
    "Which agencies %(period)s assesses, in which block and with which predecessors, is settled once its "
    "self-assessment opens (it is now “%(state)s”): this change would alter it.": (
        "Danh sách cơ quan, đơn vị được đánh giá trong %(period)s, khối của từng cơ quan và các đơn vị tiền "
        "thân đã được chốt từ khi mở tự đánh giá (kỳ đánh giá hiện ở trạng thái “%(state)s”): thay đổi này "
        "sẽ làm thay đổi danh sách đó."
    ),
}
