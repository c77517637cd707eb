#include "scan/service_conversion.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace portlens::scan {
namespace {

constexpr std::uint8_t kProbedConf = 10;
constexpr std::uint8_t kTcpWrappedConf = 8;  // nmap's conf for tcpwrapped
constexpr std::uint8_t kTableConf = 3;

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

}  // namespace

TlsInfo toTlsInfo(const detect::TlsRecord& record) {
  TlsInfo tls;
  tls.version = record.version;
  tls.cipher = record.cipher;
  tls.alpn = record.alpn;
  if (!record.certificate) return tls;
  const detect::CertificateRecord& cert = *record.certificate;
  tls.subject = cert.subject;
  tls.common_name = cert.subject_cn;
  for (const auto& name : cert.san_dns) tls.sans.push_back("DNS:" + name);
  for (const auto& address : cert.san_ip) tls.sans.push_back("IP:" + address);
  tls.issuer = cert.issuer;
  tls.not_before = cert.not_before;
  tls.not_after = cert.not_after;
  tls.self_signed = cert.self_signed;
  tls.expired = cert.expired;
  tls.expires_soon = cert.expires_soon;
  tls.sha256 = cert.sha256;
  tls.key_type = upper(cert.key_type);
  tls.key_bits = cert.key_bits;
  return tls;
}

std::shared_ptr<const ServiceInfo> toServiceInfo(const detect::ServiceResult& result,
                                                 const std::optional<detect::TlsRecord>& tls,
                                                 std::string_view table_name) {
  auto info = std::make_shared<ServiceInfo>();
  if (result.identified) {
    info->name = result.service;
    info->product = result.product;
    info->version = result.version;
    info->extrainfo = result.info;
    info->hostname = result.hostname;
    info->ostype = result.ostype;
    info->devicetype = result.devicetype;
    info->cpe = result.cpes;
    info->method = ServiceMethod::kProbed;
    info->confidence = kProbedConf;
  } else if (result.tcpwrapped) {
    info->name = "tcpwrapped";
    info->method = ServiceMethod::kProbed;
    info->confidence = kTcpWrappedConf;
  } else {
    info->name = table_name.empty() ? "unknown" : std::string(table_name);
    info->method = ServiceMethod::kTable;
    info->confidence = kTableConf;
  }
  info->ssl_tunnel = result.tunnel == detect::Tunnel::kSsl;
  info->banner = result.banner.substr(0, kMaxBannerBytes);
  if (tls) info->tls = toTlsInfo(*tls);
  return info;
}

}  // namespace portlens::scan
