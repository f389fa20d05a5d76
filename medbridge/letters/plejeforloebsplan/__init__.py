"""The plejeforløbsplan (care plan to the municipality): XDIS21 XD2134C, XML only."""
