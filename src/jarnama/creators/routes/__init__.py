"""The creator exchange's HTTP routers, one module per area (mounted by `creators.api`)."""
