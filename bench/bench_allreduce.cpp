// Time of one data-parallel step's communication alone (no training, no waiting for a slower rank)
// at the sizes trainctl reduces: LeNet5's and the 512-512 MLP's gradient arenas plus the step's 6
// floats. Three forms of the same sum: one MPI_Allreduce (what a step does, cmd/run/grad_reduce_mpi);
// MPI_Reduce_scatter and MPI_Allgatherv; and a ring of MPI_Sendrecv summing each rank's shard in
// place with a 6-float MPI_Iallreduce alongside, then MPI_Allgatherv (the two halves a sharded
// update would sit between: tried, docs/distributed.md); and, when every rank is on this host, the
// shared-memory step's communication (cmd/run/shm_step): a barrier, each rank summing its shard of
// the others' gradients where they lie in an MPI-3 shared window, a barrier (the update that sits
// between is not timed). One JSON object per line from rank 0.
// Usage: mpirun -np N bench_allreduce [--runs 200]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// Median and minimum microseconds of `runs` calls of `fn`, every rank starting together.
template <class Fn>
std::pair<double, double> time_us(int runs, Fn fn) {
    for (int i = 0; i < 10; ++i) fn();  // warm-up: connections, shared-memory segments
    std::vector<double> us(static_cast<std::size_t>(runs));
    for (int i = 0; i < runs; ++i) {
        MPI_Barrier(MPI_COMM_WORLD);  // all ranks start together: the time is the transfer's
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        us[static_cast<std::size_t>(i)] =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us.front()};
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int runs = 200;
    if (argc == 3 && std::strcmp(argv[1], "--runs") == 0) runs = std::max(1, std::atoi(argv[2]));
    constexpr int kTail = 6;  // the step's loss sum, correct count and four stop flags
    struct Case {
        const char* net;
        int params;
    };
    for (const Case c : {Case{"lenet5", 61684}, Case{"mlp", 669706}}) {
        const std::size_t floats = static_cast<std::size_t>(c.params + kTail);
        std::vector<float> buf(floats, 1.0f / static_cast<float>(size));
        std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
        for (int r = 0; r < size; ++r) {
            offsets[static_cast<std::size_t>(r)] = static_cast<int>(static_cast<long>(c.params) * r / size);
            counts[static_cast<std::size_t>(r)] =
                static_cast<int>(static_cast<long>(c.params) * (r + 1) / size) - offsets[static_cast<std::size_t>(r)];
        }
        std::vector<float> shard(static_cast<std::size_t>(*std::max_element(counts.begin(), counts.end())));
        const auto allreduce = time_us(runs, [&] {
            MPI_Allreduce(MPI_IN_PLACE, buf.data(), static_cast<int>(floats), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        });
        const auto gather = [&] {
            MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf.data(), counts.data(), offsets.data(), MPI_FLOAT,
                           MPI_COMM_WORLD);
        };
        const auto library = time_us(runs, [&] {
            MPI_Reduce_scatter(buf.data(), shard.data(), counts.data(), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            gather();
        });
        const auto ring = time_us(runs, [&] {
            MPI_Request tail = MPI_REQUEST_NULL;
            MPI_Iallreduce(MPI_IN_PLACE, buf.data() + c.params, kTail, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &tail);
            const int next = (rank + 1) % size, prev = (rank + size - 1) % size;
            for (int k = 0; k + 1 < size; ++k) {
                const auto out = static_cast<std::size_t>((rank + 2 * size - 1 - k) % size);
                const auto in = static_cast<std::size_t>((rank + 2 * size - 2 - k) % size);
                MPI_Sendrecv(buf.data() + offsets[out], counts[out], MPI_FLOAT, next, 19, shard.data(), counts[in],
                             MPI_FLOAT, prev, 19, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                float* sum = buf.data() + offsets[in];
                for (int i = 0; i < counts[in]; ++i) sum[i] += shard[static_cast<std::size_t>(i)];
            }
            MPI_Wait(&tail, MPI_STATUS_IGNORE);
            gather();
        });
        // One window section per rank holding its gradients; the sum goes to a private block buffer
        // of 8 KiB, as the step hands it to the optimizer.
        MPI_Comm local;
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local);
        int local_size = 0;
        MPI_Comm_size(local, &local_size);
        std::pair<double, double> shared{-1, -1};
        if (local_size == size && size > 1) {
            float* mine = nullptr;
            MPI_Win win;
            MPI_Win_allocate_shared(static_cast<MPI_Aint>(floats * sizeof(float)), sizeof(float), MPI_INFO_NULL,
                                    MPI_COMM_WORLD, &mine, &win);
            std::fill(mine, mine + floats, 1.0f / static_cast<float>(size));
            std::vector<const float*> peers(static_cast<std::size_t>(size));
            for (int r = 0; r < size; ++r) {
                MPI_Aint bytes = 0;
                int unit = 0;
                void* base = nullptr;
                MPI_Win_shared_query(win, r, &bytes, &unit, &base);
                peers[static_cast<std::size_t>(r)] = static_cast<const float*>(base);
            }
            MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
            std::vector<float> block(2048);
            const std::size_t begin = static_cast<std::size_t>(offsets[static_cast<std::size_t>(rank)]);
            const std::size_t end = begin + static_cast<std::size_t>(counts[static_cast<std::size_t>(rank)]);
            const auto sync = [&] {
                MPI_Win_sync(win);
                MPI_Barrier(MPI_COMM_WORLD);
                MPI_Win_sync(win);
            };
            volatile float sink = 0;
            shared = time_us(runs, [&] {
                sync();
                for (std::size_t b = begin; b < end; b += block.size()) {
                    const std::size_t n = std::min(block.size(), end - b);
                    for (std::size_t i = 0; i < n; ++i) block[i] = peers[0][b + i] + peers[1][b + i];
                    for (int r = 2; r < size; ++r)
                        for (std::size_t i = 0; i < n; ++i) block[i] += peers[static_cast<std::size_t>(r)][b + i];
                    sink = sink + block[0];
                }
                sync();
            });
            MPI_Win_unlock_all(win);
            MPI_Win_free(&win);
        }
        MPI_Comm_free(&local);
        const double bytes = static_cast<double>(floats * sizeof(float));
        if (rank == 0)
            for (const auto& [form, t] : {std::pair{"allreduce", allreduce}, std::pair{"reduce_scatter_allgather", library},
                                          std::pair{"ring_allgather", ring}, std::pair{"shared_window", shared}})
                if (t.first >= 0)
                    std::printf("{\"bench\": \"allreduce_alone\", \"form\": \"%s\", \"net\": \"%s\", \"ranks\": %d, "
                                "\"bytes\": %.0f, \"runs\": %d, \"median_us\": %.1f, \"min_us\": %.1f, "
                                "\"gbytes_per_s\": %.2f}\n",
                                form, c.net, size, bytes, runs, t.first, t.second, bytes / t.first / 1e3);
    }
    MPI_Finalize();
    return 0;
}
