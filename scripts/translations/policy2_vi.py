"""Vietnamese for the msgids added on the policy2 branch."""

VI = {
    "The agency accounts": "Tài khoản của cơ quan",
}
