// This machine's name (gethostname), for what names the process to others: a worker's row in
// the workers table, syslog's HOSTNAME and SMTP's EHLO. "localhost" when the call fails.
#pragma once

#include <string>

namespace portlens::core {

std::string localHostName();

}  // namespace portlens::core
