"""Reading any CloudFormation template, knowing nothing of tapgen.toml: the parsed view, shapes, policies,
canonical values and replacement prediction."""
