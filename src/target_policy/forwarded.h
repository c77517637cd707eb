// Who the client is behind a reverse proxy: the parsers of `Forwarded` (RFC 7239) and
// `X-Forwarded-For`, and the resolver that decides which address to believe. Pure: called by
// server/http_server on the HTTP threads for every request; contacts nothing, throws nothing.
//
// The rule: a peer's proxy headers are read only when the peer itself is a trusted proxy.
// The chain is then walked from the right (the hop nearest to us) past every address that is
// itself a trusted proxy; the first one that is not is the client. Anything the resolver
// cannot read with certainty (a malformed header, an "unknown" or obfuscated hop, both
// headers present and naming different clients) stops the walk at the last hop it could
// trust, so a client can make itself look like a proxy but never like a third party.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "target_policy/cidr.h"

namespace portlens::target_policy {

// One hop of a forwarding chain, left (client side) to right. nullopt: the hop is named but
// not by an address ("unknown", an obfuscated identifier "_abc", or an unreadable XFF item).
using ForwardedHop = std::optional<core::IpAddress>;

// Every `Forwarded` header of a request, in order (several headers are one list). Returns
// the for= node of each element (an element without for= gives no hop), or nullopt when the
// text does not follow RFC 7239's grammar (then nothing in it is believed). IPv6 nodes are
// quoted and bracketed ("[2001:db8::1]:4711"), ports and obfuscated ports are accepted.
std::optional<std::vector<ForwardedHop>> parseForwarded(
    const std::vector<std::string_view>& values);

// Every `X-Forwarded-For` header, in order: comma-separated addresses (IPv4, IPv6, either
// with a port as "1.2.3.4:80" or "[::1]:80"). Empty items are skipped; an item that is not an
// address is a hop with no address. nullopt only when the list is too long to be real.
std::optional<std::vector<ForwardedHop>> parseXForwardedFor(
    const std::vector<std::string_view>& values);

struct ProxyHeaders {
  std::vector<std::string_view> forwarded;
  std::vector<std::string_view> x_forwarded_for;
};

// The client address of a request that came from `peer`: the peer itself unless it is in
// `trusted`, else the right-most address of the chain that is not itself trusted (or the
// left-most one when every hop is trusted).
core::IpAddress resolveClientAddress(const core::IpAddress& peer, const ProxyHeaders& headers,
                                     const std::vector<Cidr>& trusted);

}  // namespace portlens::target_policy
