"""Security group rules, inline (`SecurityGroupIngress`/`SecurityGroupEgress` of a group) or standalone
(`AWS::EC2::SecurityGroupIngress`/`Egress`), compared by what they open: direction, protocol, ports and peer.

A rule moved between a group and a standalone resource, or rewritten with `"6"` for `"tcp"`, is the same rule.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tapgen.cfn.values import canonical
from tapgen.cfn.view import referenced_ids
from tapgen.diff.model import SecurityChange
from tapgen.diff.security.resources import Resources, properties_of

GROUP = "AWS::EC2::SecurityGroup"
STANDALONE = {"AWS::EC2::SecurityGroupIngress": "ingress", "AWS::EC2::SecurityGroupEgress": "egress"}
INLINE = {"SecurityGroupIngress": "ingress", "SecurityGroupEgress": "egress"}
PEERS = {  # property → how the peer reads
    "CidrIp": "ipv4",
    "CidrIpv6": "ipv6",
    "SourcePrefixListId": "prefix list",
    "DestinationPrefixListId": "prefix list",
    "SourceSecurityGroupId": "security group",
    "SourceSecurityGroupName": "security group",
    "DestinationSecurityGroupId": "security group",
}
PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
WORLD = frozenset({"0.0.0.0/0", "::/0"})
ALL_PORTS = (0, 65535)


@dataclass(frozen=True)
class Rule:
    """What one rule opens, and where it is written."""

    group: str  # the security group: its logical id, or the reference as text
    direction: str
    protocol: str
    ports: tuple[int, int]
    peer_kind: str
    peer: str
    holder: str
    holder_type: str
    written: Any

    @property
    def key(self) -> tuple[str, ...]:
        return (self.group, self.direction, self.protocol, str(self.ports), self.peer_kind, self.peer)

    def covers(self, other: Rule) -> bool:
        """Whether this rule already opens everything `other` opens."""
        if (self.group, self.direction, self.peer_kind) != (other.group, other.direction, other.peer_kind):
            return False
        protocol = self.protocol in ("all", other.protocol)
        ports = self.protocol == "all" or (self.ports[0] <= other.ports[0] and other.ports[1] <= self.ports[1])
        return protocol and ports and _peer_covers(self.peer_kind, self.peer, other.peer)

    def describe(self) -> str:
        if self.protocol == "all":
            traffic = "every protocol and port"
        else:
            traffic = f"{self.protocol} " + ("all ports" if self.ports == ALL_PORTS else _port_text(self.ports))
        side = "from" if self.direction == "ingress" else "to"
        world = " (the whole internet)" if self.peer in WORLD else ""
        return f"{self.direction} {side} {self.peer}{world} on {traffic}"


def security_group_changes(old: Resources, new: Resources) -> Iterator[SecurityChange]:
    before, after = _rules(old), _rules(new)
    old_keys, new_keys = {r.key for r in before}, {r.key for r in after}
    for rule in before:
        if rule.key not in new_keys and not any(n.covers(rule) for n in after):
            yield _change(rule, "removed", False, f"{rule.describe()} closed")
    for rule in after:
        if rule.key in old_keys:
            continue
        covered = any(o.covers(rule) for o in before)
        reason = f"already open: {rule.describe()}" if covered else _opening(rule)
        yield _change(rule, "added", not covered, reason)


def _opening(rule: Rule) -> str:
    return f"open to the world: {rule.describe()}" if rule.peer in WORLD else f"opens {rule.describe()}"


def _change(rule: Rule, action: str, broadening: bool, reason: str) -> SecurityChange:
    policy = "SecurityGroupIngress" if rule.direction == "ingress" else "SecurityGroupEgress"
    narrowing = action == "removed"
    return SecurityChange(rule.holder, rule.holder_type, policy, action, rule.written, broadening, (reason,), narrowing)


def _rules(resources: Resources) -> list[Rule]:
    found: list[Rule] = []
    for logical_id in sorted(resources):
        resource = resources[logical_id]
        kind = str(resource.get("Type", "")) if isinstance(resource, Mapping) else ""
        properties = properties_of(resources, logical_id)
        if kind == GROUP:
            for prop, direction in INLINE.items():
                entries = properties.get(prop)
                for entry in entries if isinstance(entries, list) else []:
                    found.extend(_rule(logical_id, direction, entry, logical_id, kind))
        elif kind in STANDALONE:
            group = _group_of(properties.get("GroupId", properties.get("GroupName")))
            found.extend(_rule(group, STANDALONE[kind], properties, logical_id, kind))
    return found


def _rule(group: str, direction: str, entry: Any, holder: str, holder_type: str) -> Iterator[Rule]:
    if not isinstance(entry, Mapping):
        return
    protocol = _protocol(entry.get("IpProtocol"))
    ports = ALL_PORTS if protocol == "all" else (_port(entry.get("FromPort"), 0), _port(entry.get("ToPort"), 65535))
    written = {k: v for k, v in entry.items() if k not in ("Description", "GroupId", "GroupName")}
    peers = [(kind, _peer(kind, entry[key])) for key, kind in PEERS.items() if key in entry] or [("ipv4", "(none)")]
    for peer_kind, peer in peers:
        yield Rule(group, direction, protocol, ports, peer_kind, peer, holder, holder_type, written)


def _peer(kind: str, value: Any) -> str:
    return _group_of(value) if kind == "security group" else _text(value)


def _group_of(value: Any) -> str:
    """A group named by reference reads as its logical id, so inline and standalone rules of it meet."""
    ids = referenced_ids(value)
    return next(iter(ids)) if len(ids) == 1 else _text(value)


def _protocol(value: Any) -> str:
    text = str(value).lower() if value is not None else "all"
    return PROTOCOLS.get(text, text)


def _port(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _port_text(ports: tuple[int, int]) -> str:
    return f"port {ports[0]}" if ports[0] == ports[1] else f"ports {ports[0]}-{ports[1]}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else canonical(value)


def _peer_covers(kind: str, wide: str, narrow: str) -> bool:
    if wide == narrow:
        return True
    if kind not in ("ipv4", "ipv6"):
        return False
    try:
        wide_net, narrow_net = ipaddress.ip_network(wide, strict=False), ipaddress.ip_network(narrow, strict=False)
    except ValueError:
        return False
    return wide_net.version == narrow_net.version and narrow_net.subnet_of(wide_net)  # type: ignore[arg-type]  # same version, checked just before; typeshed cannot tell
