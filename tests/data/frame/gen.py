#!/usr/bin/python3
# Writes the golden CONFIG frames in this directory (NAME.bin) from the
# field table in ipc/frame.c, encoded independently of the C code so that
# a bug shared by the encoder and the decoder shows up. Run from the repo
# root: /usr/bin/python3 tests/data/frame/gen.py; the .ok files are
# reviewed by hand (ipc_frame_test FILE.bin prints what they must hold).
import ipaddress
import os
import string
import struct

DIR = os.path.dirname(os.path.abspath(__file__))
T = dict(gw_host=1, gw_addr=2, gw_port=3, gw_pin=4, tunnel_path=5,
         authcookie=6, user=7, ip4=8, ip6=9, mtu=10, dns=11, nbns=12,
         suffix=13, route=14, timeout_s=15, lifetime_s=16,
         idle_timeout_s=17, esp_enc=18, esp_mac=19, esp_udp_port=20,
         esp_spi_c2s=21, esp_spi_s2c=22, esp_ekey_c2s=23, esp_ekey_s2c=24,
         esp_akey_c2s=25, esp_akey_s2c=26, esp_magic4=27, esp_magic6=28,
         proxy_type=29, proxy_addr=30, proxy_port=31, proxy_target=32)


def addr(s):
    a = ipaddress.ip_address(s)
    return bytes([a.version]) + a.packed


def prefix(s):
    n = ipaddress.ip_network(s, strict=False)
    a, plen = s.split('/')
    return addr(a) + bytes([int(plen)])


def route(s, exclude=False):
    return prefix(s) + bytes([1 if exclude else 0])


def field(name, value):
    tag = T[name] if isinstance(name, str) else name
    if isinstance(value, str):
        value = value.encode()
    return struct.pack('>HH', tag, len(value)) + value


def frame(body, version=1, ftype=1, flags=0, length=None, magic=b'GPVN'):
    if length is None:
        length = len(body)
    return magic + struct.pack('>BBHI', version, ftype, flags, length) + body


def base(**over):
    """The fields of a small IPv4-only config, as (name, value) pairs."""
    f = [('gw_host', 'vpn.example.com'), ('gw_addr', addr('198.18.0.1')),
         ('gw_port', struct.pack('>H', 443)),
         ('gw_pin', bytes(range(32))),
         ('tunnel_path', '/ssl-tunnel-connect.sslvpn'),
         ('authcookie', '0123456789abcdef0123456789abcdef'),
         ('user', 'alice@example.com'),
         ('ip4', prefix('198.18.1.2/32')),
         ('dns', addr('198.18.0.53')), ('dns', addr('fd00::53')),
         ('suffix', 'corp.example.com'), ('suffix', 'example.net'),
         ('route', route('198.18.64.0/24')),
         ('route', route('198.18.64.128/25', True)),
         ('route', route('fd00:64::/48')),
         ('timeout_s', struct.pack('>I', 3600)),
         ('lifetime_s', struct.pack('>I', 86400))]
    out = []
    for name, value in f:
        if name in over:
            if over[name] is not None:
                out.append((name, over.pop(name)))
            else:
                over.pop(name)
            continue
        out.append((name, value))
    return out


def esp(enc=2, mac=3, ek=32, ak=32, spi_c2s=0xa5a5a5a5, port=4501):
    return [('esp_enc', bytes([enc])), ('esp_mac', bytes([mac])),
            ('esp_udp_port', struct.pack('>H', port)),
            ('esp_spi_c2s', struct.pack('>I', spi_c2s)),
            ('esp_spi_s2c', struct.pack('>I', 0x5a5a5a5a)),
            ('esp_ekey_c2s', b'\x11' * ek), ('esp_ekey_s2c', b'\x22' * ek),
            ('esp_akey_c2s', b'\x33' * ak), ('esp_akey_s2c', b'\x44' * ak),
            ('esp_magic4', addr('198.18.0.1')),
            ('esp_magic6', addr('fd00::1'))]


def proxy(ptype=1, paddr='198.18.10.1', port=8888,
          target='vpn.example.com'):
    return [('proxy_type', bytes([ptype])), ('proxy_addr', addr(paddr)),
            ('proxy_port', struct.pack('>H', port)),
            ('proxy_target', target)]


def body(fields):
    return b''.join(field(n, v) for n, v in fields)


def cases():
    ok_esp = base(ip6=None) + esp()
    ok_esp.insert(8, ('ip6', prefix('fd00:198:18::2/64')))
    ok_esp.insert(9, ('mtu', struct.pack('>H', 1400)))
    yield 'ok_min', frame(body(base()))
    yield 'ok_esp', frame(body(ok_esp))
    yield 'ok_v6only', frame(body(base(ip4=None) [:7] +
                                  [('ip6', prefix('fd00::2/128'))]))
    yield 'bad_magic', frame(body(base()), magic=b'GPVn')
    yield 'bad_version', frame(body(base()), version=2)
    yield 'bad_flags', frame(body(base()), flags=0x8000)
    yield 'bad_length', frame(b'', length=0x00100000)
    yield 'bad_truncated', frame(body(base()))[:-3]
    yield 'bad_trailing', frame(body(base()) + b'\x00')
    yield 'bad_unknown_tag', frame(body(base()) + field(99, 'x'))
    yield 'bad_duplicate', frame(body(base()[:4] + base()[3:]))
    yield 'bad_ip_loopback', frame(body(base(ip4=prefix('127.0.0.1/32'))))
    yield 'bad_ip_gateway', frame(body(base(ip4=prefix('198.18.0.1/32'))))
    yield 'bad_ip_multicast', frame(body(base(ip4=prefix('224.0.0.1/32'))))
    yield 'bad_suffix_newline', frame(body(base(suffix='a.com\nb.com')))
    yield 'bad_suffix_dollar', frame(body(base(suffix='$(reboot).com')))
    yield 'bad_dns_mapped', frame(body(base(dns=addr('::ffff:198.18.0.53'))))
    yield 'bad_cookie_charset', frame(body(base(authcookie='ab;cd&ef')))
    yield 'bad_route_hostbits', frame(body(base(route=route('198.18.64.1/24'))))
    yield 'bad_esp_keylen', frame(body(base() + esp(ek=16)))
    yield 'bad_esp_spi0', frame(body(base() + esp(spi_c2s=0)))
    yield 'bad_esp_port0', frame(body(base() + esp(port=0)))
    # ipc/limits.h: a 900-character base64url cookie and a 256-byte user
    # are what real servers send; 4096 and 256 are the limits.
    b64u = (string.ascii_letters + string.digits + '-_') * 80
    yield 'ok_cookie_900', frame(body(base(authcookie=b64u[:900],
                                           user='u' * 255 + '@')))
    yield 'ok_cookie_max', frame(body(base(authcookie=b64u[:4096])))
    yield 'bad_cookie_too_long', frame(body(base(authcookie=b64u[:4097])))
    yield 'bad_user_too_long', frame(body(base(user='u' * 257)))
    # A proxy (gp-auth --proxy): HTTP CONNECT by name, the proxy resolves
    # the gateway, so there is no gw_addr; socks5 with gp-auth's address.
    yield 'ok_proxy_http', frame(body(base(gw_addr=None) + proxy()))
    yield 'ok_proxy_socks5', frame(body(base() + proxy(
        2, 'fd00:10::1', 1080, '198.18.0.1')))
    yield 'ok_proxy_loopback', frame(body(base() + proxy(2, '127.0.0.1',
                                                          1080)))
    yield 'bad_no_gw_addr', frame(body(base(gw_addr=None)))
    yield 'bad_proxy_esp', frame(body(base() + esp() + proxy()))
    yield 'bad_proxy_partial', frame(body(base() + proxy()[:3]))
    yield 'bad_proxy_type', frame(body(base() + [('proxy_type', b'\x07')] +
                                       proxy()[1:]))
    yield 'bad_proxy_target', frame(body(base() + proxy(
        target='elsewhere.example.com')))
    yield 'bad_proxy_target_addr', frame(body(base(gw_addr=None) + proxy(
        target='198.18.0.1')))
    yield 'bad_proxy_port0', frame(body(base() + proxy(port=0)))
    yield 'bad_proxy_multicast', frame(body(base() + proxy(
        paddr='ff02::1')))


def main():
    for name, data in cases():
        with open(os.path.join(DIR, name + '.bin'), 'wb') as fp:
            fp.write(data)


main()
