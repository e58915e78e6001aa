"""Vietnamese for the admin asking the policy (periods' settings, windows and extensions); used with
scripts/fill_po.py."""

VI = {
    "The period's settings": "Thông tin của kỳ đánh giá",
    "The windows and extensions": "Thời hạn và gia hạn",
}
