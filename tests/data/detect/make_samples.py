#!/usr/bin/env python3
"""Writes the recorded answers that tests/unit/detect matches against data/service-probes,
and the service_match fuzz seeds made from them (tests/data/fuzz/service_match).

Each answer is built here from the protocol's documented layout and the daemons' default
banners (Debian 12 versions), so the bytes are reviewable; run this script to regenerate
responses/ and samples.tsv. Columns of samples.tsv: file, probe sent, expected service
(NOMATCH for none), hard|soft, product, version, info ("-" for empty).
"""
import glob
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
samples = []


def sample(name, probe, data, service, kind="hard", product="-", version="-", info="-"):
    with open(os.path.join(HERE, "responses", name), "wb") as f:
        f.write(data)
    samples.append((name, probe, service, kind, product, version, info))


def http(status, headers, body=b""):
    head = b"HTTP/1.1 " + status + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
    return head + b"\r\n" + body


sample("ssh_openssh_debian", "NULL", b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "ssh",
       product="OpenSSH", version="9.2p1 Debian 2+deb12u3", info="protocol 2.0")
sample("ssh_dropbear", "NULL", b"SSH-2.0-dropbear_2022.83\r\n", "ssh",
       product="Dropbear sshd", version="2022.83", info="protocol 2.0")
sample("ssh_hostile", "NULL", b"SSH-2.0-\x1b[2J<script>\r\n", "ssh",
       info="protocol 2.0; software [2J<script>")
sample("ftp_vsftpd", "NULL", b"220 (vsFTPd 3.0.3)\r\n", "ftp", product="vsftpd", version="3.0.3")
sample("ftp_proftpd_debian", "NULL", b"220 ProFTPD Server (Debian) [::ffff:198.18.0.7]\r\n",
       "ftp", product="ProFTPD", info="Debian")
sample("smtp_exim", "NULL",
       b"220 mail.lab.test ESMTP Exim 4.96 Wed, 02 Dec 2026 03:41:43 +0000\r\n", "smtp",
       product="Exim smtpd", version="4.96")
sample("smtp_postfix", "NULL", b"220 mail.lab.test ESMTP Postfix (Debian/GNU)\r\n", "smtp",
       product="Postfix smtpd")
sample("imap_dovecot", "NULL",
       b"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
       b"AUTH=PLAIN] Dovecot (Debian) ready.\r\n", "imap", product="Dovecot imapd")
sample("pop3_dovecot", "NULL", b"+OK Dovecot (Debian) ready.\r\n", "pop3",
       product="Dovecot pop3d")
sample("vnc", "NULL", b"RFB 003.008\n", "vnc", product="VNC", info="protocol 3.8")
sample("telnet_linux", "NULL", b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27", "telnet",
       product="Linux telnetd")


def mysql_greeting(version):
    payload = (b"\x0a" + version + b"\x00" + struct.pack("<I", 31) + b"abcdefgh\x00" +
               b"\xfe\xf7" + b"\x2d" + b"\x02\x00" + b"\xff\x81" + b"\x15" + b"\x00" * 6 +
               b"\x1d\x00\x00\x00" + b"ijklmnopqrst\x00" + b"mysql_native_password\x00")
    return struct.pack("<I", len(payload))[:3] + b"\x00" + payload


sample("mariadb_debian", "NULL", mysql_greeting(b"5.5.5-10.11.6-MariaDB-0+deb12u1"), "mysql",
       product="MariaDB", version="10.11.6", info="0+deb12u1")
sample("mysql8", "NULL", mysql_greeting(b"8.0.35"), "mysql", product="MySQL", version="8.0.35")
denied = b"\xff\x6a\x04Host '198.18.0.1' is not allowed to connect to this MariaDB server"
sample("mariadb_denied", "NULL", struct.pack("<I", len(denied))[:3] + b"\x00" + denied,
       "mysql", product="MariaDB", info="unauthorized")

nginx_headers = [b"Server: nginx/1.22.1", b"Date: Wed, 02 Dec 2026 03:41:43 GMT",
                 b"Content-Type: text/html", b"Content-Length: 615", b"Connection: close"]
sample("http_nginx", "GetRequest", http(b"200 OK", nginx_headers, b"<!DOCTYPE html>\n<html>"),
       "http", product="nginx", version="1.22.1")
sample("http_nginx_plain_to_https", "GetRequest",
       http(b"400 Bad Request", nginx_headers,
            b"<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port"
            b"</title></head>\r\n"), "ssl", product="nginx")
sample("http_apache_debian", "GetRequest",
       http(b"200 OK", [b"Date: Wed, 02 Dec 2026 03:41:43 GMT",
                        b"Server: Apache/2.4.62 (Debian)", b"Content-Length: 10"]),
       "http", product="Apache httpd", version="2.4.62", info="Debian")
sample("http_unknown_server", "GetRequest",
       http(b"404 Not Found", [b"Server: \x1b]0;owned\x07Thing/1.0"]), "http",
       product="]0;ownedThing/1.0")
sample("http_no_server", "GetRequest", http(b"200 OK", [b"Content-Length: 0"]), "http",
       kind="soft")
sample("http_on_tls_probe", "TLSSessionReq",
       http(b"400 Bad Request", nginx_headers), "http", product="nginx", version="1.22.1")
sample("docker_api", "GetRequest",
       http(b"404 Not Found", [b"Api-Version: 1.41", b"Content-Type: application/json",
                               b"Docker-Experimental: false", b"Ostype: linux",
                               b"Server: Docker/20.10.24+dfsg1 (linux)",
                               b"Date: Wed, 02 Dec 2026 03:41:43 GMT", b"Content-Length: 29"],
            b'{"message":"page not found"}\n'),
       "docker", product="Docker Engine API", version="20.10.24+dfsg1", info="API 1.41")
sample("kubernetes_api", "GetRequest",
       http(b"403 Forbidden", [b"Audit-Id: 6b1e0c5e-0d6a-4d7e-9a33-2f1f4b0f6c11",
                               b"Cache-Control: no-cache, private",
                               b"Content-Type: application/json",
                               b"X-Content-Type-Options: nosniff", b"Content-Length: 217"],
            b'{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": '
            b'"Failure",\n  "message": "forbidden: User \\"system:anonymous\\" cannot get path '
            b'\\"/\\"",\n  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}'),
       "http", product="Kubernetes API server", info="anonymous: Forbidden")
sample("kubernetes_version", "KubernetesVersion",
       http(b"200 OK", [b"Audit-Id: 0c4b8f4e-2f5e-4a8e-9d1b-6a1f3e0b7c21",
                        b"Cache-Control: no-cache, private", b"Content-Type: application/json",
                        b"X-Kubernetes-Pf-Flowschema-Uid: 5c1b1f8e-1b7a-4c55-8c0e-1f0f8c9d2a10",
                        b"Date: Wed, 02 Dec 2026 03:41:43 GMT", b"Content-Length: 263"],
            b'{\n  "major": "1",\n  "minor": "28",\n  "gitVersion": "v1.28.2",\n'
            b'  "gitCommit": "89a4ea3e1e4ddd7f7572286090359983e0387b2f",\n'
            b'  "gitTreeState": "clean",\n  "buildDate": "2023-09-13T09:29:07Z",\n'
            b'  "goVersion": "go1.20.8",\n  "compiler": "gc",\n  "platform": "linux/amd64"\n}'),
       "http", product="Kubernetes API server", version="1.28.2", info="linux/amd64")
sample("elasticsearch", "GetRequest",
       http(b"200 OK", [b"X-elastic-product: Elasticsearch",
                        b"content-type: application/json", b"content-length: 540"],
            b'{\n  "name" : "node-1",\n  "cluster_name" : "lab",\n  "cluster_uuid" : "x",\n'
            b'  "version" : {\n    "number" : "8.11.1",\n    "build_flavor" : "default"\n  },\n'
            b'  "tagline" : "You Know, for Search"\n}\n'),
       "http", product="Elasticsearch REST API", version="8.11.1", info="cluster lab")
sample("go_tls_plain", "GetRequest",
       b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n",
       "ssl", product="Go crypto/tls")
sample("redis_get", "GetRequest", b"-ERR wrong number of arguments for 'get' command\r\n",
       "redis", product="Redis key-value store")

server_hello = (b"\x16\x03\x03\x00\x5d\x02\x00\x00\x59\x03\x03" + bytes(32) + b"\x20" +
                bytes(range(32)) + b"\xc0\x2f\x00\x00\x11" + b"\xff\x01\x00\x01\x00" +
                b"\x00\x0b\x00\x04\x03\x00\x01\x02" + b"\x00\x17\x00\x00")
sample("tls_server_hello", "TLSSessionReq", server_hello, "ssl", info="TLS 1.2 ServerHello")
sample("tls_alert", "TLSSessionReq", b"\x15\x03\x03\x00\x02\x02\x28", "ssl", info="alert")

info = (b"# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
        b"redis_build_id:5ad3da3e9e1a2c11\r\nredis_mode:standalone\r\n"
        b"os:Linux 6.1.0-28-amd64 x86_64\r\narch_bits:64\r\n")
sample("redis_info", "RedisInfo", b"$%d\r\n" % len(info) + info, "redis",
       product="Redis key-value store", version="7.0.15",
       info="standalone mode; Linux 6.1.0-28-amd64 x86_64")
sample("redis_noauth", "RedisInfo", b"-NOAUTH Authentication required.\r\n", "redis",
       product="Redis key-value store", info="authentication required")
sample("memcached_version", "MemcachedVersion", b"VERSION 1.6.18\r\n", "memcached",
       product="Memcached", version="1.6.18")
sample("redis_on_memcached_probe", "MemcachedVersion",
       b"-ERR unknown command 'version', with args beginning with: \r\n", "redis",
       product="Redis key-value store")

topic = b"$SYS/broker/version"
publish_body = struct.pack(">H", len(topic)) + topic + b"mosquitto version 2.0.11"
sample("mqtt_mosquitto", "MQTTConnect",
       b"\x20\x02\x00\x00" + b"\x90\x03\x00\x01\x00" + b"\x31" + bytes([len(publish_body)]) +
       publish_body, "mqtt", product="Mosquitto MQTT broker", version="2.0.11")
sample("mqtt_connack_only", "MQTTConnect", b"\x20\x02\x00\x00", "mqtt", kind="soft")
sample("mqtt_refused", "MQTTConnect", b"\x20\x02\x00\x05", "mqtt", info="not authorized")

scram = b"R" + struct.pack(">iI", 23, 10) + b"SCRAM-SHA-256\x00\x00"
sample("postgresql_scram", "PostgresStartup", scram, "postgresql", product="PostgreSQL DB",
       info="SCRAM-SHA-256 authentication")
fields = (b"SFATAL\x00VFATAL\x00C28000\x00Mno pg_hba.conf entry for host \"198.18.0.1\", "
          b"user \"postgres\", database \"postgres\", no encryption\x00"
          b"Fauth.c\x00L543\x00RClientAuthentication\x00\x00")
sample("postgresql_hba_reject", "PostgresStartup",
       b"E" + struct.pack(">i", 4 + len(fields)) + fields, "postgresql", product="PostgreSQL DB",
       info='no pg_hba.conf entry for host "198.18.0.1", user "postgres", database "postgres", '
       'no encryption')


def pg_message(kind, body):
    return kind + struct.pack(">i", 4 + len(body)) + body


def pg_parameter(name, value):
    return pg_message(b"S", name + b"\x00" + value + b"\x00")


trusted = (pg_message(b"R", struct.pack(">I", 0)) +
           pg_parameter(b"application_name", b"") + pg_parameter(b"client_encoding", b"UTF8") +
           pg_parameter(b"is_superuser", b"on") + pg_parameter(b"server_encoding", b"UTF8") +
           pg_parameter(b"server_version", b"15.10 (Debian 15.10-0+deb12u1)") +
           pg_parameter(b"TimeZone", b"Etc/UTC") +
           pg_message(b"K", struct.pack(">II", 4242, 123456)) + pg_message(b"Z", b"I"))
sample("postgresql_trust", "PostgresStartup", trusted, "postgresql", product="PostgreSQL DB",
       version="15.10", info="Debian 15.10-0+deb12u1")


def amqp_table(pairs):
    out = b""
    for key, value in pairs:
        out += bytes([len(key)]) + key + b"S" + struct.pack(">I", len(value)) + value
    return struct.pack(">I", len(out)) + out


start = (b"\x00\x0a\x00\x0a\x00\x09" +
         amqp_table([(b"cluster_name", b"rabbit@lab"), (b"platform", b"Erlang/OTP 25.2.3"),
                     (b"product", b"RabbitMQ"), (b"version", b"3.10.8")]) +
         struct.pack(">I", 14) + b"AMQPLAIN PLAIN" + struct.pack(">I", 5) + b"en_US")
sample("amqp_rabbitmq", "AMQPHeader",
       b"\x01\x00\x00" + struct.pack(">I", len(start)) + start + b"\xce", "amqp",
       product="RabbitMQ", version="3.10.8", info="AMQP 0-9-1")

doc = (b"\x02version\x00" + struct.pack("<i", 6) + b"7.0.5\x00" +
       b"\x01ok\x00" + struct.pack("<d", 1.0))
bson = struct.pack("<i", 4 + len(doc) + 1) + doc + b"\x00"
body = struct.pack("<I", 0) + b"\x00" + bson
sample("mongodb_buildinfo", "MongoBuildInfo",
       struct.pack("<iiii", 16 + len(body), 77, 1, 2013) + body, "mongodb", product="MongoDB",
       version="7.0.5")

sample("ldap_bind_ok", "LDAPBind", b"0\x0c\x02\x01\x01a\x07\x0a\x01\x00\x04\x00\x04\x00", "ldap",
       info="anonymous bind OK")
sample("ldap_bind_refused", "LDAPBind",
       b"0\x84\x00\x00\x00\x10\x02\x01\x01a\x84\x00\x00\x00\x07\x0a\x01\x30\x04\x00\x04\x00",
       "ldap")
sample("rdp_credssp", "RDPConnect",
       b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00",
       "ms-wbt-server", info="CredSSP (NLA) security")

spnego = b"\x60\x5e\x06\x06\x2b\x06\x01\x05\x05\x02" + b"not_defined_in_RFC4178@please_ignore"
smb_body = (struct.pack("<HHH", 65, 1, 0x0311) + b"\x00\x00" + b"S" * 16 +
            struct.pack("<IIII", 0x2f, 8388608, 8388608, 8388608) + bytes(16) +
            struct.pack("<HH", 128, len(spnego)) + b"\x00" * 4 + spnego)
smb_header = (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 0, 0, 0, 1, 1, 0, 0, 0xfeff, 0, 0) +
              bytes(16))
smb = smb_header + smb_body
sample("smb_samba", "SMB2Negotiate", b"\x00" + struct.pack(">I", len(smb))[1:] + smb,
       "microsoft-ds", product="Samba smbd")

# Kubernetes API servers as GET /version finds them beyond the 1.28 default above.
# Since 1.33 the emulation and compatibility versions sit between minor and gitVersion.
kube_133 = (b'{\n  "major": "1",\n  "minor": "33",\n  "emulationMajor": "1",\n'
            b'  "emulationMinor": "33",\n  "minCompatibilityMajor": "1",\n'
            b'  "minCompatibilityMinor": "32",\n  "gitVersion": "v1.33.2",\n'
            b'  "gitCommit": "3e0b1c5d8a7f6e4d2c1b0a9f8e7d6c5b4a3f2e1d",\n'
            b'  "gitTreeState": "clean",\n  "buildDate": "2025-06-17T18:36:06Z",\n'
            b'  "goVersion": "go1.24.4",\n  "compiler": "gc",\n  "platform": "linux/arm64"\n}')
kube_headers = [b"Audit-Id: 9d2f6a41-7c3e-4b1a-8e5f-0a6b2c4d8e13",
                b"Cache-Control: no-cache, private", b"Content-Type: application/json",
                b"Date: Wed, 02 Dec 2026 03:41:43 GMT"]
sample("kubernetes_version_1_33", "KubernetesVersion",
       http(b"200 OK", kube_headers + [b"Content-Length: %d" % len(kube_133)], kube_133),
       "http", product="Kubernetes API server", version="1.33.2", info="linux/arm64")
# --anonymous-auth=false: every path, /version too, is a compact one-line 401 Status, named
# through the probe's GetRequest fallback.
kube_401 = (b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
            b'"message":"Unauthorized","reason":"Unauthorized","code":401}\n')
sample("kubernetes_version_unauthorized", "KubernetesVersion",
       http(b"401 Unauthorized", kube_headers + [b"Content-Length: %d" % len(kube_401)], kube_401),
       "http", product="Kubernetes API server", info="anonymous: Unauthorized")
# Anonymous allowed but system:public-info-viewer removed: 403 for /version itself.
kube_403 = (b'{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n'
            b'  "status": "Failure",\n  "message": "forbidden: User \\"system:anonymous\\" '
            b'cannot get path \\"/version\\"",\n  "reason": "Forbidden",\n  "details": {},\n'
            b'  "code": 403\n}')
sample("kubernetes_version_forbidden", "KubernetesVersion",
       http(b"403 Forbidden", kube_headers + [b"X-Content-Type-Options: nosniff",
                                              b"Content-Length: %d" % len(kube_403)], kube_403),
       "http", product="Kubernetes API server", info="anonymous: Forbidden")

sample("hostile_escape_banner", "NULL", b"\x1b[31m<script>alert(1)</script>\x07\r\n", "NOMATCH")
sample("empty", "GetRequest", b"", "NOMATCH")

with open(os.path.join(HERE, "samples.tsv"), "w") as f:
    f.write("# file\tprobe\tservice\tkind\tproduct\tversion\tinfo (generated by make_samples.py)\n")
    for row in samples:
        f.write("\t".join(row) + "\n")

# Fuzz seeds: each answer after one byte, the index of its probe in data/service-probes; then
# version templates (first byte 0xff, template, newline, capture bytes).
with open(os.path.join(HERE, "..", "..", "..", "data", "service-probes"), "rb") as f:
    probe_names = [m.group(1).decode() for m in re.finditer(rb"^Probe TCP (\S+)", f.read(), re.M)]
seeds = os.path.join(HERE, "..", "fuzz", "service_match")
for old in glob.glob(os.path.join(seeds, "seed-*")):
    os.remove(old)
inputs = []
for name, probe, *_ in samples:
    with open(os.path.join(HERE, "responses", name), "rb") as f:
        inputs.append(bytes([probe_names.index(probe)]) + f.read())
inputs += [b"\xffp/$1/\nSSH-2.0-OpenSSH_9.2p1",
           b"\xff$P(2) $SUBST(3,\"_\",\".\") $I(4,\">\") $I(5,\"<\")\n\x00W\x00O1_2_3\x01\x02\x03\x04",
           b"\xffa:b:$1:$9\nHELLO World \x1b[0m"]
for i, data in enumerate(inputs):
    with open(os.path.join(seeds, "seed-%02d" % i), "wb") as f:
        f.write(data)
