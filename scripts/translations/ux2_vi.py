"""Vietnamese for issue 14, part 2 (history in words, file refusals in words, phrasing around data
names, phones); used with scripts/fill_po.py."""

VI = {
    # the one history formatter (parindex/history.py, templates/parindex/_history.html)
    "%(label)s: from %(old)s to %(new)s": "%(label)s: từ %(old)s thành %(new)s",
    "Self-assessment": "Tự đánh giá",
    "Appraisal": "Thẩm định",
    "Explanation": "Giải trình",
    "Re-appraisal": "Thẩm định lại",
    "Correction after approval": "Đính chính sau phê duyệt",
    "Submitted": "Đã gửi",
    "Signed off": "Đã ký duyệt",
    "Reopened": "Mở lại",
    "Created": "Tạo mới",
    "Changed": "Sửa đổi",
    "Deleted": "Xoá",
    "points": "điểm",
    "value": "giá trị",
    "target": "chỉ tiêu",
    "cases": "số trường hợp",
    "level “%(level)s”": "mức “%(level)s”",
    "the system": "hệ thống",
    "yes": "có",
    "no": "không",
    "No changes yet.": "Chưa có thay đổi.",
    # sentences around a Vietnamese data name
    "Method: %(period)s": "Phương pháp tính: %(period)s",
    "Open data of the period “%(period)s”: every published version can be downloaded as CSV, XLSX and JSON. The files never change once published: a correction is published as a new version, with its reason, and the earlier version stays here.": "Dữ liệu mở của kỳ “%(period)s”: mọi phiên bản đã công bố đều tải được dưới dạng CSV, XLSX và JSON. Tệp đã công bố không bao giờ thay đổi: bản đính chính được công bố thành phiên bản mới kèm lý do, phiên bản trước vẫn giữ ở đây.",
    "Report tables: %(period)s, computation v%(version)s": "Biểu báo cáo: %(period)s, lần tính %(version)s",
    # evidence refused, in words
    "The file %(name)s is not of a kind accepted; allowed: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP.": "Tệp %(name)s không thuộc loại được nhận; chỉ nhận: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP.",
    "The file %(name)s is not a %(kind)s file, although its name ends in %(suffix)s; allowed: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP.": "Tệp %(name)s không phải là tệp %(kind)s dù tên có đuôi %(suffix)s; chỉ nhận: PDF, Word, Excel, OpenDocument, JPG, PNG, ZIP.",
    # survey import problems: a numbered column is a question
    "question %(question)s": "câu %(question)s",
    "row %(row)s, question %(question)s": "dòng %(row)s, câu %(question)s",
    "sheet %(sheet)s, row %(row)s, question %(question)s": "trang %(sheet)s, dòng %(row)s, câu %(question)s",
    # pages
    "not started": "chưa bắt đầu",
    "Response file (XLSX or CSV)": "Tệp phiếu trả lời (XLSX hoặc CSV)",
}
