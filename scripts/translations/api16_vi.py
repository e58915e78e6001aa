"""Vietnamese for the API's writes, job status and evidence checks (issue 16); used with scripts/fill_po.py."""

VI = {
    "The API writes only for a signed-in user; a machine token reads.": (
        "API chỉ ghi dữ liệu cho người dùng đã đăng nhập; mã truy cập của ứng dụng chỉ được đọc."
    ),
    "queued, running, done or failed (not checked).": (
        "queued (chờ), running (đang kiểm tra), done (đã kiểm tra) hoặc failed (chưa kiểm tra được)."
    ),
    "The badge's state; blank until checked.": "Trạng thái của nhãn chữ ký; để trống khi chưa kiểm tra.",
    "The checks' results; null before any check.": "Kết quả kiểm tra; null khi chưa kiểm tra lần nào.",
    "Null for a file that supports no item.": "Null với tệp chưa làm minh chứng cho tiêu chí nào.",
}
