"""`tapgen lint`: cfn-lint plus tapgen's own security rules, over any CloudFormation template."""
