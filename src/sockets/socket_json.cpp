#include "sockets/socket_json.h"

namespace portlens::sockets {

Json processJson(const ProcessRef& process) {
  Json json = Json::object();
  json["pid"] = process.pid;
  json["fd"] = process.fd;
  json["name"] = process.name;
  json["cmdline"] = process.cmdline;
  return json;
}

Json processesJson(const SocketRecord& record) {
  Json array = Json::array();
  for (const ProcessRef& process : record.processes) array.push_back(processJson(process));
  return array;
}

std::string jsonDocument(const Json& document) {
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

}  // namespace portlens::sockets
