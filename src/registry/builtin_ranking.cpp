#include "registry/builtin_ranking.h"

namespace portlens::registry {
namespace {

// Written from general operational knowledge of what is found listening on internet-facing
// and internal hosts, group by group; within a group, the more widely deployed service
// first. No scanner's frequency data was consulted (nmap's files are NPSL). The groups, not
// the exact order inside a group, carry the judgment: see docs/port-ranking.md.
// One group per comment, several ports per line; keep clang-format from splitting them.
// clang-format off
constexpr std::uint16_t kCurated[] = {
    // 1. Front doors: web, remote shells and desktops, mail, file transfer, DNS, SMB.
    80, 443, 22, 21, 23, 25, 3389, 53, 445, 139, 135, 110, 143, 993, 995, 587, 465, 8080, 8443,
    3306,
    // 2. Everyday secondary services: web alternates, VNC, Unix RPC/NFS, printing,
    //    directory and Kerberos, the big SQL databases, Windows remoting, VoIP, proxies.
    8000, 8888, 8081, 8008, 81, 5900, 111, 2049, 1723, 631, 515, 9100, 389, 636, 88, 464, 593, 1433,
    5432, 1521, 6379, 27017, 5985, 5986, 5060, 5061, 554, 179, 1080, 3128, 10000, 514, 513, 512,
    548, 113, 79, 119, 873, 990,
    // 3. Windows: dynamic RPC ranges (Vista+ and older), global catalog, AD web services,
    //    WSD, Hyper-V, MSMQ, WinRM listener.
    49152, 49153, 49154, 49155, 49156, 49157, 1025, 1026, 1027, 1028, 1029, 3268, 3269, 9389, 5357,
    2179, 1801, 2103, 2105, 47001,
    // 4. Databases, caches, queues and coordination services.
    11211, 9200, 9300, 5672, 15672, 5671, 9092, 2181, 9042, 7000, 7001, 8086, 5984, 8091, 3050,
    50000, 4369, 61616, 8161, 1883, 8883, 4222, 26257, 7474, 7687, 2379, 2380, 8500, 8200, 1434,
    1522, 27018, 9160, 8098, 8087, 11210,
    // 5. Containers, orchestration and observability.
    2375, 2376, 2377, 6443, 10250, 10255, 10256, 10257, 10259, 8001, 5000, 9090, 9091, 9093, 3000,
    5601, 8088, 50070, 9870, 8042, 7077, 8983, 9000, 9443, 10050, 10051, 5666, 8089, 9999, 4040,
    5050, 16686, 4317, 4318, 9411, 2003, 24224, 5044, 6514,
    // 6. Web development servers and admin panels.
    4200, 5173, 3001, 8082, 8083, 8084, 8085, 8090, 8180, 8181, 8280, 8880, 8899, 9080, 9081, 10443,
    4443, 7443, 7080, 8009, 8010, 8069, 2082, 2083, 2086, 2087, 2095, 2096, 8834, 4848, 7002, 9060,
    9043, 1099, 4444, 8005, 5001, 5800, 5901, 5902,
    // 7. IoT, embedded devices, industrial control, home media.
    5683, 502, 102, 20000, 44818, 47808, 1911, 2404, 789, 9600, 37777, 34567, 8554, 7547, 8291,
    8728, 4786, 2000, 1720, 5222, 5269, 6667, 6697, 3478, 1935, 32400, 8096, 8123, 1400, 62078,
    // 8. Remote administration, VPN, storage, version control, ERP.
    5631, 2222, 2121, 3260, 1194, 1701, 1512, 1352, 5938, 5500, 4899, 6129, 3283, 9418, 3690, 2401,
    6000, 6001, 902, 912, 1494, 2598, 1311, 2301, 2381, 3310, 3372, 5555, 8022, 10001, 3299, 3200,
    // 9. Classic Unix and legacy services still seen on older hosts.
    7, 9, 13, 19, 37, 43, 70, 109, 161, 199, 427, 444, 497, 540, 543, 544, 563, 646, 749, 1110,
    1755, 1863, 1900, 2100, 3052, 5190, 32768, 32769, 32770, 32771,
    // 10. Peer-to-peer, game servers, blockchain nodes and anonymity networks.
    6881, 6346, 4662, 51413, 25565, 27015, 7777, 8333, 8545, 30303, 9001, 9030, 9050,
};
// clang-format on

}  // namespace

std::span<const std::uint16_t> curatedTopPorts() { return kCurated; }

std::vector<std::uint16_t> buildBuiltinRanking(const std::vector<ServiceEntry>& primaries) {
  constexpr std::size_t kPortCount = 65536;
  std::vector<bool> placed(kPortCount, false);
  std::vector<bool> named(kPortCount, false);
  for (const ServiceEntry& entry : primaries) named[entry.port] = true;

  std::vector<std::uint16_t> ranking;
  ranking.reserve(kPortCount);
  const auto place = [&](std::uint16_t port) {
    if (placed[port]) return;
    placed[port] = true;
    ranking.push_back(port);
  };
  placed[0] = true;  // port 0 is reserved and never a service: always last

  for (std::uint16_t port : kCurated) place(port);
  // IANA-named ports in ascending order: well-known (1-1023), then registered (1024-49151).
  for (std::uint32_t port = 1; port <= 1023; ++port) {
    if (named[port]) place(static_cast<std::uint16_t>(port));
  }
  for (std::uint32_t port = 1024; port <= 49151; ++port) {
    if (named[port]) place(static_cast<std::uint16_t>(port));
  }
  for (std::uint32_t port = 1; port < kPortCount; ++port) place(static_cast<std::uint16_t>(port));
  ranking.push_back(0);
  return ranking;
}

}  // namespace portlens::registry
