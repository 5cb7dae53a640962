// Time of one data-parallel step's communication alone (no training, no waiting for a slower rank)
// at the sizes trainctl reduces: LeNet5's and the 512-512 MLP's gradient arenas plus the step's 6
// floats. Three forms of the same sum: one MPI_Allreduce (what a step does, cmd/run/grad_reduce_mpi);
// MPI_Reduce_scatter and MPI_Allgatherv; and a ring of MPI_Sendrecv summing each rank's shard in
// place with a 6-float MPI_Iallreduce alongside, then MPI_Allgatherv (the two halves a sharded
// update would sit between: tried, docs/distributed.md). One JSON object per line from rank 0.
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
        const double bytes = static_cast<double>(floats * sizeof(float));
        if (rank == 0)
            for (const auto& [form, t] : {std::pair{"allreduce", allreduce}, std::pair{"reduce_scatter_allgather", library},
                                          std::pair{"ring_allgather", ring}})
                std::printf("{\"bench\": \"allreduce_alone\", \"form\": \"%s\", \"net\": \"%s\", \"ranks\": %d, "
                            "\"bytes\": %.0f, \"runs\": %d, \"median_us\": %.1f, \"min_us\": %.1f, "
                            "\"gbytes_per_s\": %.2f}\n",
                            form, c.net, size, bytes, runs, t.first, t.second, bytes / t.first / 1e3);
    }
    MPI_Finalize();
    return 0;
}
