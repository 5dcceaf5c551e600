#pragma once

#include <string_view>

namespace petitiond::app {

// Tells systemd the service's state (sd_notify(3): "READY=1", "STOPPING=1",
// "STATUS=..."), for a unit of Type=notify: a datagram to $NOTIFY_SOCKET (a path, or
// an abstract name starting with '@'). Does nothing when not started by systemd.
// Returns false if the socket was named but the message could not be sent.
bool NotifySystemd(std::string_view state);

// Whether the process's standard output goes to the journal (systemd sets
// JOURNAL_STREAM), which stamps each line with its own time.
bool LoggingToJournal();

}  // namespace petitiond::app
