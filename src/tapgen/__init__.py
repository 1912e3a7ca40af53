"""tapgen: typed builders for the CloudFormation of the TAP file-processing service."""
