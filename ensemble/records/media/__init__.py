"""Media handling for records, independent of models and storage.

`sniff.detect(path)` says what a file is from its bytes; `processors.<kind>.process(...)`
derives renditions and metadata from it. Nothing here touches the database: the records
services call these functions with paths and store what they return.
"""
