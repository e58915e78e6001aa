"""Vietnamese for the one job lifecycle (parindex.jobs); used with scripts/fill_po.py."""

VI = {
    "The job stopped without finishing (its worker was lost); start it again.": (
        "Tác vụ dừng khi chưa xong (tiến trình xử lý bị mất); hãy chạy lại."
    ),
    "The job could not be queued (the task queue did not answer).": (
        "Không đưa được tác vụ vào hàng đợi (hàng đợi tác vụ không phản hồi)."
    ),
}
