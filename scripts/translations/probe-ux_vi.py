"""Vietnamese for the probe-ux fixes: a number typed as a word, deadlines with their time zone; used
with scripts/fill_po.py."""

VI = {
    "“%(value)s” is not a number: type a number, for example %(example)s.": "“%(value)s” không phải là một số: hãy nhập một số, ví dụ %(example)s.",
}
