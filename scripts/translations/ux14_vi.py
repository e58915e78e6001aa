"""Vietnamese for the strings added by ux14 (issue 14): survey corrections in words."""

VI = {
    "group": "nhóm",
    "Correction of the first entry": "Sửa lần nhập thứ nhất",
    "Corrections of form %(serial)s": "Các lần sửa phiếu %(serial)s",
    # A Vietnamese agency name reads badly with an English possessive ("Sở Y tế's block").
    "Criterion %(code)s does not exist in the block of %(agency)s (block: %(block)s).": (
        "Bộ tiêu chí của khối có %(agency)s không có tiêu chí %(code)s (%(agency)s thuộc %(block)s)."
    ),
}
