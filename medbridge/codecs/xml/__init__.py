"""The XML codec: the table-driven mapping engine, formatted text, and reading/writing an
Emessage."""
