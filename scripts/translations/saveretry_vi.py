"""Vietnamese for the autosave's failure in a leaf (a lost connection, a server that did not answer) and
its retries (templates/assessment/page.html, read by static/assessment/self_assessment.js); used with
scripts/fill_po.py."""

VI = {
    "Not saved yet (connection lost).": "Chưa lưu được (mất kết nối).",
    "Not saved yet (the server did not answer).": "Chưa lưu được (máy chủ không phản hồi).",
    "Retrying…": "Đang thử lại…",
    "Not saved.": "Chưa lưu.",
    "What you typed is still on the page; check the connection, then press Save again.": "Giá trị bạn nhập vẫn còn trên trang; kiểm tra kết nối rồi bấm Lưu lại.",
    "Save again": "Lưu lại",
}
