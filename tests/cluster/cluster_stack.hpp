// The cluster every cluster test runs against, started once per binary run:
// a fresh PostgreSQL database (through DATABASE_URL), a pspsim, three
// paymentd nodes and HAProxy in front of them, all real processes. Nodes
// run with a short lease so that takeovers happen within a test.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/sync_client.hpp"
#include "testkit/process.hpp"

namespace pay::it {

inline constexpr std::uint32_t cluster_lease_ms = 2'000;
inline constexpr std::size_t cluster_nodes = 3;

class cluster_stack : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  const std::string& database_url() const { return database_url_; }
  const std::string& admin_key() const { return admin_key_; }
  std::uint16_t public_port() const { return port_base_; }
  std::uint16_t node_port(std::size_t i) const {
    return static_cast<std::uint16_t>(port_base_ + 1 + i);
  }
  std::uint16_t pspsim_port() const { return pspsim_port_; }
  static std::string node_id(std::size_t i) {
    return "node" + std::to_string(i + 1);
  }

  child_process& node(std::size_t i) { return *nodes_[i]; }
  // Starts node i again after a kill (its log continues).
  std::string restart_node(std::size_t i);
  // Waits until node i answers /readyz (after a start or a rejoin).
  bool wait_ready(std::size_t i, std::uint32_t timeout_ms);

  // A client of node i, of HAProxy, of pspsim; the admin key as Basic auth.
  std::unique_ptr<http::sync_client> node_client(std::size_t i) const;
  std::unique_ptr<http::sync_client> public_client() const;
  std::unique_ptr<http::sync_client> sim_client() const;

  std::string logs_tail() const;

 private:
  std::string start_pspsim();
  std::string start_node(std::size_t i);
  std::string start_haproxy();

  std::string admin_url_;
  std::string database_name_;
  std::string database_url_;
  std::string admin_key_;
  std::uint16_t port_base_ = 0;
  std::uint16_t pspsim_port_ = 0;
  child_process pspsim_;
  std::vector<std::unique_ptr<child_process>> nodes_;
  child_process haproxy_;
};

cluster_stack& cluster();

}  // namespace pay::it
