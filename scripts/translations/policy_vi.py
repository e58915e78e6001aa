"""Vietnamese for the workflow policy (agencies/policy.py) and the checks that ask it; used with scripts/fill_po.py."""

VI = {
    "%(what)s cannot be changed while the period is in the state “%(state)s”.": (
        "%(what)s không thể thay đổi khi kỳ đánh giá đang ở trạng thái “%(state)s”."
    ),
    "You cannot change %(what)s.": "Bạn không có quyền thay đổi %(what)s.",
    "The self-assessment": "Phần tự đánh giá",
    "The appraisal": "Kết quả thẩm định",
    "The second appraisal": "Kết quả thẩm định độc lập (lần hai)",
    "The explanation": "Nội dung giải trình",
    "The re-appraisal": "Kết quả thẩm định lại",
    "A correction": "Việc đính chính",
    "The evidence": "Tài liệu kiểm chứng",
    "The sign-off": "Việc ký duyệt",
    "The appraisal assignments": "Phân công thẩm định",
    "The survey": "Dữ liệu điều tra xã hội học",
    "The measured data": "Số liệu đo lường",
    "The results": "Kết quả tính điểm",
    "The reports": "Báo cáo",
    "The published results": "Kết quả đã công bố",
    "No period takes evidence now.": "Hiện không có kỳ đánh giá nào đang nhận tài liệu kiểm chứng.",
    "A second appraiser needs a first appraiser on the same row and area.": (
        "Người thẩm định lần hai cần có người thẩm định thứ nhất ở cùng dòng và cùng lĩnh vực."
    ),
    "The second appraiser must be another person than the first.": (
        "Người thẩm định lần hai phải khác người thẩm định thứ nhất."
    ),
    "Closed": "Đã đóng",
    "The overview": "Bảng tổng hợp",
    "The appraisal items": "Các tiêu chí được giao thẩm định",
    "The review": "Bảng rà soát",
    "The period's state": "Trạng thái kỳ đánh giá",
    "The survey links": "Đường dẫn khảo sát trực tuyến",
    "The survey values": "Giá trị điều tra xã hội học",
    "The publication": "Việc công bố",
    "The accounts": "Tài khoản",
    "This page": "Trang này",
    "The results of %(period)s are approved: its inputs can no longer change.": (
        "Kết quả %(period)s đã được phê duyệt: dữ liệu đầu vào không thể thay đổi nữa."
    ),
}
