// The TlsRecord of an established session: negotiated version, cipher, ALPN and the
// server's certificate. Called by the service detector on its own thread once
// TlsSession::state() is kEstablished (or closed after being established); pure otherwise.
#pragma once

#include "detect/tls/tls_certificate.h"
#include "detect/tls/tls_record.h"
#include "detect/tls/tls_session.h"

namespace portlens::detect {

TlsRecord inspectSession(const TlsSession& session, CertificateClock::time_point now);

}  // namespace portlens::detect
