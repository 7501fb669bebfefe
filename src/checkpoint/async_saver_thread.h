// Internal to src/checkpoint: whether the calling thread is an AsyncSaver's
// background writer. CheckpointManager refuses to save in a group of more
// than one rank there: a save's collectives would run beside the training
// thread's collectives on the same group, in an order that differs between
// ranks (MPI requires one order per communicator), so ranks would deadlock
// or exchange the wrong bytes.
#pragma once

namespace cairn::internal {

bool on_async_saver_thread();

}  // namespace cairn::internal
