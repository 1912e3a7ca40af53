"""tapgen: typed builders for the CloudFormation of the TAP file-processing service."""

__version__ = "0.1.0"
