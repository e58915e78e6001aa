"""Vietnamese for the 27th session's strings; used with scripts/fill_po.py."""

VI = {
    "Which agencies %(period)s assesses, in which block and with which predecessors, is settled once its "
    "self-assessment opens (it is now “%(state)s”): this change would alter it.": (
        "Danh sách cơ quan, đơn vị được đánh giá trong %(period)s, khối của từng cơ quan và các đơn vị tiền "
        "thân đã được chốt từ khi mở tự đánh giá (kỳ đánh giá hiện ở trạng thái “%(state)s”): thay đổi này "
        "sẽ làm thay đổi danh sách đó."
    ),
    # What a snapshot keeps of the reference data (scoring.AgencyResult)
    "agency code": "mã cơ quan",
    "agency name": "tên cơ quan",
    "agency short name": "tên viết tắt của cơ quan",
    "block code": "mã khối",
    "block name": "tên khối",
    "block position": "thứ tự của khối",
    "rank change compared with": "so sánh thứ hạng với",
    "The agency whose result in the previous snapshot this one compares with: itself, or its single "
    "predecessor. Empty for a new agency and one merged from two or more.": (
        "Cơ quan có kết quả kỳ trước được dùng để so sánh thứ hạng: chính cơ quan này, hoặc đơn vị tiền thân "
        "duy nhất của nó. Để trống với cơ quan mới và cơ quan hợp nhất từ hai đơn vị trở lên."
    ),
    "predecessors' previous ranks": "thứ hạng kỳ trước của các đơn vị tiền thân",
    "An agency merged from two or more: each former agency (agency_id, agency_code, agency_name) with its "
    "rank and index in the previous snapshot; it has no rank change.": (
        "Cơ quan hợp nhất từ hai đơn vị trở lên: từng đơn vị tiền thân (agency_id, agency_code, agency_name) "
        "với thứ hạng và chỉ số kỳ trước; cơ quan này không tính thay đổi thứ hạng."
    ),
    # Django admin's change form (its own Vietnamese catalog lacks the plural form)
    "Please correct the error below.": "Hãy sửa lỗi dưới đây.",
}
