"""tapgen: typed builders for the CloudFormation of the TAP file-processing service."""

from __future__ import annotations

import importlib
import sys
import types


class _ImportedOnFirstUse(types.ModuleType):
    """Stands in for a module in sys.modules until one of its attributes is used, then imports it for real."""

    def __getattr__(self, attribute: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


# troposphere imports cfn_flip (and with it PyYAML) when it is imported, for Template.to_yaml alone, which tapgen
# never calls: the stand-in keeps about 20 ms off every cold `tapgen render`. to_yaml still works (it imports
# cfn_flip then), and nothing else imports cfn_flip. importlib's LazyLoader does not help here: `import` itself
# touches the module's spec and so loads it.
sys.modules.setdefault("cfn_flip", _ImportedOnFirstUse("cfn_flip"))
