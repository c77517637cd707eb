// The TlsRecord of a session: negotiated version, cipher, ALPN and the server's certificate.
// Called by the service detector on its own thread once TlsSession::state() is kEstablished,
// and worth calling after kFailed too: a mutual-TLS service (kubelet, etcd, Docker's TLS API)
// refuses us only after its certificate arrived, and the record still carries it (the other
// fields then describe what was negotiated so far). Pure otherwise.
#pragma once

#include "detect/tls/tls_certificate.h"
#include "detect/tls/tls_record.h"
#include "detect/tls/tls_session.h"

namespace portlens::detect {

TlsRecord inspectSession(const TlsSession& session, CertificateClock::time_point now);

}  // namespace portlens::detect
