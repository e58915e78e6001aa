"""Vietnamese for the probe-ux fixes: a number typed as a word, a document date typed wrong, the head's sign-off; used
with scripts/fill_po.py."""

VI = {
    "Type the date as dd/mm/yyyy, for example 15/01/2026.": "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/01/2026.",
    "Nothing was uploaded: correct the details, then choose the files again.": "Chưa tải lên tệp nào: sửa thông tin văn bản rồi chọn lại tệp.",
    "After signing off, the self-assessment can no longer be sent back to the focal point. Sign off now?": "Sau khi ký duyệt, không thể trả lại bản tự đánh giá cho cán bộ đầu mối. Ký duyệt ngay?",
}
