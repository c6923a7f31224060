#pragma once

#include <sys/resource.h>
#include <unistd.h>

namespace parley::server {

// Lowers the calling thread's CPU priority (nice 10). For background work (the search
// indexer, WAL checkpoints): when the cores are busy they yield to the message path, whose
// latency users see, and catch up when it is quiet.
inline void run_as_background_thread() { ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10); }

}  // namespace parley::server
