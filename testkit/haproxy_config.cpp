#include "testkit/haproxy_config.hpp"

namespace pay::it {

std::string paymentd_haproxy_config(
  std::uint16_t public_port, const std::vector<std::uint16_t>& node_ports) {
  std::string servers;
  for (std::size_t i = 0; i < node_ports.size(); ++i)
    servers += "  server node" + std::to_string(i + 1)
               + " 127.0.0.1:" + std::to_string(node_ports[i]) + " check\n";
  // timeout server: paymentd holds a request at most a few seconds (Prefer:
  // wait=5 plus a forward to the owner); longer only means a paused node,
  // and the client then resends sooner (a 504 of HAProxy is "no answer").
  return "global\n"
         "  log stdout format raw local0 notice\n"
         "  maxconn 4096\n"
         "defaults\n"
         "  mode http\n"
         "  log global\n"
         "  option dontlognull\n"
         "  timeout connect 2s\n"
         "  timeout server 15s\n"
         "  timeout client 40s\n"
         "  timeout check 1s\n"
         "  retries 2\n"
         "  option redispatch\n"
         "  retry-on conn-failure empty-response response-timeout\n"
         "frontend payments_http\n"
         "  bind 127.0.0.1:"
         + std::to_string(public_port)
         + "\n"
           "  default_backend paymentd\n"
           "backend paymentd\n"
           "  balance roundrobin\n"
           "  http-request disable-l7-retry unless METH_GET\n"
           "  option httpchk\n"
           "  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host "
           "localhost\n"
           "  http-check expect status 200\n"
           "  default-server inter 250ms fall 2 rise 2\n"
         + servers;
}

}  // namespace pay::it
