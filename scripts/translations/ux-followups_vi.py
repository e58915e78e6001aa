"""Vietnamese for the ux-followups fixes: the submit button's reason, the explanation page's sections,
the next step's sentence, the assignment grid's areas; used with scripts/fill_po.py."""

VI = {
    "Score every criterion listed above before submitting.": "Hãy chấm điểm các tiêu chí liệt kê ở trên trước khi gửi.",
    "Scored otherwise, commented on or explained": "Tiêu chí được thẩm định khác điểm tự chấm, có nhận xét hoặc đã giải trình",
    "The appraisal agrees with every self-score and has no comment.": "Kết quả thẩm định thống nhất với mọi điểm tự chấm và không có nhận xét.",
    "Appraised as self-scored": "Thẩm định đúng như điểm tự chấm",
    "Measured data entered by Home Affairs": "Số liệu đo lường do Sở Nội vụ nhập",
    "Not self-scored: Home Affairs enters these figures with their source. If one is wrong, explain it: Home Affairs answers with corrected data in the re-appraisal.": "Cơ quan không tự chấm các tiêu chí này: Sở Nội vụ nhập số liệu kèm nguồn. Nếu số liệu chưa đúng, hãy giải trình: Sở Nội vụ trả lời bằng số liệu đã điều chỉnh khi thẩm định lại.",
    "Not appraised": "Chưa thẩm định",
    "The appraisal did not score these criteria: there is nothing to explain.": "Các tiêu chí này chưa được thẩm định chấm điểm: không có nội dung cần giải trình.",
    "Appraiser's comment:": "Nhận xét của người thẩm định:",
    "%(period)s is at the “%(state)s” stage; next step: “%(step)s”.": "%(period)s đang ở giai đoạn “%(state)s”; bước tiếp theo: “%(step)s”.",
}
