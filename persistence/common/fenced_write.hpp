#pragma once
// A write the database refused because this node's incarnation no longer
// holds its lease (migration 012's pay_fence, SQLSTATE PF001). Whoever
// catches the error reports it here; the node counts it and stops acting
// (app/cluster_wiring.cpp installs what happens then).

#include <pqxx/pqxx>

namespace pay::persistence {

using fenced_write_hook = void (*)();

// Installed once at start, before any connection is opened.
void on_fenced_write(fenced_write_hook hook);

// True (and the hook called) when `error` is the fence's refusal.
bool report_if_fenced(const pqxx::sql_error& error);

}  // namespace pay::persistence
