#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that uapi/linux/dirtyquota.h matches uapi/dirtyquota.yaml.

  scripts/spec-check.py SPEC HEADER_DIR [SCHEMA]

The names and values the spec implies, by the naming rules of the kernel's
netlink specs (Documentation/userspace-api/netlink/c-code-gen.rst), are
turned into a C program that includes the header and fails to compile, or
to run, where they disagree.  With SCHEMA (the kernel's
Documentation/netlink/genetlink.yaml), the spec is validated against it
first.
"""

import os
import subprocess
import sys
import tempfile

import yaml


def c_name(*parts):
    return '_'.join(p.upper().replace('-', '_') for p in parts if p)


def checks(spec):
    """Yields (C expression, expected value) pairs."""
    fam = spec['name']
    yield c_name(fam, 'family-name'), repr(fam).replace("'", '"')
    for d in spec.get('definitions', []):
        if d['type'] == 'const':
            yield c_name(fam, d['name']), d['value']
        elif d['type'] == 'enum':
            v = d.get('value-start', 0)
            for e in d['entries']:
                name = e if isinstance(e, str) else e['name']
                yield c_name(fam, d['name'], name), v
                v += 1
    for aset in spec['attribute-sets']:
        prefix = aset.get('name-prefix', f"{fam}-a-{aset['name']}-")
        v = 1
        for a in aset['attributes']:
            v = a.get('value', v)
            yield c_name(prefix + a['name']), v
            v += 1
        yield '__' + c_name(prefix + 'max'), v
    v = 1
    for op in spec['operations']['list']:
        v = op.get('value', v)
        yield c_name(fam, 'cmd', op['name']), v
        v += 1
    yield '__' + c_name(fam, 'cmd-max'), v
    for grp in spec.get('mcast-groups', {}).get('list', []):
        yield c_name(fam, 'mcgrp', grp['name']), f'"{grp["name"]}"'


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        spec = yaml.safe_load(f)
    if len(sys.argv) == 4:
        import jsonschema
        with open(sys.argv[3]) as f:
            schema = yaml.safe_load(f)
        try:
            jsonschema.validate(spec, schema)
        except jsonschema.ValidationError as e:
            sys.exit(f'spec-check: {sys.argv[1]}: {e.message}')

    lines = ['#include <stdio.h>', '#include <string.h>',
             '#include <linux/dirtyquota.h>', 'int main(void)', '{',
             '\tint bad = 0;']
    n = 0
    for expr, want in checks(spec):
        n += 1
        if isinstance(want, str) and want.startswith('"'):
            lines.append(f'\tif (strcmp({expr}, {want})) {{ bad = 1; '
                         f'puts("{expr} is not {want[1:-1]}"); }}')
        else:
            lines.append(f'\t_Static_assert((unsigned long long)({expr}) == '
                         f'{want}ULL, "{expr} is not {want}");')
    lines += ['\treturn bad;', '}']

    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, 'check.c'), os.path.join(tmp, 'check')
        with open(src, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        r = subprocess.run(['cc', '-Wall', '-Werror', '-I', sys.argv[2],
                            '-o', exe, src])
        if r.returncode or subprocess.run([exe]).returncode:
            sys.exit(f'spec-check: {sys.argv[2]}/linux/dirtyquota.h does '
                     f'not match {sys.argv[1]}')
    print(f'spec-check: the header matches the spec ({n} names)')


if __name__ == '__main__':
    main()
