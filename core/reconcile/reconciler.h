#pragma once
// Reconciliation of a topic against PostgreSQL: reads a range of the topic in chunks, decodes
// each message's id with the engine's own decoder, and checks every chunk against the events
// table, the key table, the dead-letter table and the cold-tier archives. Every message is
// stored (its own row, or a duplicate of a row stored from another offset), archived,
// dead-lettered (with the entry's status), not yet committed (at or above the group's committed
// offset: a crash now would read it again) or unaccounted. Memory is bounded by one chunk of ids,
// whatever the topic's size; it reads and never writes, so it can run beside a live engine.
// Runs on the caller's thread.
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "core/kafka/event_decoder.h"
#include "core/reconcile/kafka_range_reader.h"
#include "core/reconcile/reconcile_report.h"

namespace spillway {

struct ReconcileProgress {
    int64_t read = 0;         // messages checked so far
    int64_t total = 0;        // messages in the ranges (an upper bound: offsets may have gaps)
    int64_t unaccounted = 0;  // found so far
};

struct ReconcileOptions {
    KafkaRangeOptions kafka;
    DecoderOptions decoder;  // the engine's: the id is derived exactly as it was when consumed
    std::string conninfo;
    std::string events_table = "events";
    std::string dead_letter_table = "dead_letters";
    std::string archive_dir;  // the cold tier; empty: an archived row cannot be found
    size_t chunk_messages = 20000;
    const std::atomic<bool>* cancel = nullptr;                  // set: stop after the current chunk
    std::function<void(const ReconcileProgress&)> on_progress;  // after each chunk
    std::function<void(const UnaccountedOffset&)> on_unaccounted;  // as each is found
};

// Throws std::runtime_error (or PgError) naming what could not be read.
ReconcileReport reconcile(const ReconcileOptions& options);

}  // namespace spillway
