#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the uapi C header of a generic netlink family from its YAML spec.

Covers what our spec uses of the kernel's genetlink schema: consts, enums
(with docs), attribute sets with name prefixes, operations and multicast
groups. Attributes and commands are numbered from 1, as YNL does for new
families, each set closed by __<PREFIX>MAX and <PREFIX>MAX.

  nl-uapi-gen.py SPEC OUT      write OUT
  nl-uapi-gen.py --check SPEC OUT   exit 1 when OUT is not what SPEC gives
"""
import sys

import yaml


def c_name(s):
    return s.upper().replace('-', '_')


def comment(doc, indent=''):
    lines = [l.rstrip() for l in doc.strip().splitlines()]
    if len(lines) == 1:
        return [f'{indent}/* {lines[0]} */']
    return [f'{indent}/*'] + [f'{indent} * {l}'.rstrip() for l in lines] + [f'{indent} */']


def gen(spec, spec_path):
    fam = spec['name']
    fam_c = c_name(fam)
    guard = '_UAPI_' + c_name(spec['uapi-header'].replace('/', '_').replace('.', '_'))
    out = [
        '/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */',
        f'/* Generated from {spec_path} by scripts/nl-uapi-gen.py: do not edit. */',
        '',
        f'#ifndef {guard}',
        f'#define {guard}',
        '',
    ]
    if spec.get('doc'):
        out += comment(spec['doc']) + ['']
    out.append(f'#define {fam_c}_FAMILY_NAME\t"{fam}"')

    consts = {}
    for d in spec.get('definitions', []):
        if d['type'] == 'const':
            consts[d['name']] = d['value']
            if d.get('doc'):
                out += comment(d['doc'])
            out.append(f'#define {fam_c}_{c_name(d["name"])}\t{d["value"]}')
    out.append('')

    for d in spec.get('definitions', []):
        if d['type'] != 'enum':
            continue
        prefix = c_name(d.get('name-prefix', f'{fam}-{d["name"]}-'))
        if d.get('doc'):
            out += comment(d['doc'])
        out.append(f'enum {fam.replace("-", "_")}_{d["name"].replace("-", "_")} {{')
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            if e.get('doc'):
                out += comment(e['doc'], '\t')
            out.append(f'\t{prefix}{c_name(e["name"])},')
        out += ['};', '']

    for s in spec['attribute-sets']:
        prefix = c_name(s.get('name-prefix', f'{fam}-a-{s["name"]}-'))
        if s.get('doc'):
            out += comment(s['doc'])
        out.append('enum {')
        for i, a in enumerate(s['attributes']):
            info = [a['type']]
            checks = a.get('checks', {})
            for k in ('min', 'max', 'min-len', 'max-len'):
                if k in checks:
                    info.append(f'{k} {consts.get(checks[k], checks[k])}')
            if a.get('enum'):
                info.append(f'enum {fam}_{a["enum"].replace("-", "_")}')
            if a.get('nested-attributes'):
                info.append(f'nest of {a["nested-attributes"]}'
                            + (', repeated' if a.get('multi-attr') else ''))
            if a.get('doc'):
                out += comment(a['doc'], '\t')
            line = f'\t{prefix}{c_name(a["name"])}' + (' = 1,' if i == 0 else ',')
            out.append(f'{line}\t/* {", ".join(info)} */')
        out += ['', f'\t__{prefix}MAX,', f'\t{prefix}MAX = (__{prefix}MAX - 1)', '};', '']

    ops = spec['operations']
    prefix = c_name(ops.get('name-prefix', f'{fam}-cmd-'))
    out.append('enum {')
    for i, op in enumerate(ops['list']):
        if op.get('doc'):
            out += comment(op['doc'], '\t')
        out.append(f'\t{prefix}{c_name(op["name"])}' + (' = 1,' if i == 0 else ','))
    out += ['', f'\t__{prefix}MAX,', f'\t{prefix}MAX = (__{prefix}MAX - 1)', '};', '']

    for g in spec.get('mcast-groups', {}).get('list', []):
        out.append(f'#define {fam_c}_MCGRP_{c_name(g["name"])}\t"{g["name"]}"')
    out += ['', f'#endif /* {guard} */', '']
    return '\n'.join(out)


def main(argv):
    check = argv[1:2] == ['--check']
    args = argv[2:] if check else argv[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, out_path = args
    with open(spec_path) as f:
        text = gen(yaml.safe_load(f), spec_path)
    if check:
        try:
            with open(out_path) as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            print(f'{out_path} is not what {spec_path} gives: run make uapi', file=sys.stderr)
            return 1
        return 0
    with open(out_path, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
