// Time of one data-parallel step's MPI_Allreduce alone (no training, no waiting for a slower rank) at
// the sizes trainctl reduces: LeNet5's and the 512-512 MLP's gradient arenas plus the step's 6 floats.
// One JSON object per line from rank 0. Usage: mpirun -np N bench_allreduce [--runs 200]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int runs = 200;
    if (argc == 3 && std::strcmp(argv[1], "--runs") == 0) runs = std::max(1, std::atoi(argv[2]));
    struct Case {
        const char* net;
        std::size_t floats;
    };
    for (const Case c : {Case{"lenet5", 61684 + 6}, Case{"mlp", 669706 + 6}}) {
        std::vector<float> buf(c.floats, 1.0f / static_cast<float>(size));
        for (int i = 0; i < 10; ++i)  // warm-up: connections, shared-memory segments
            MPI_Allreduce(MPI_IN_PLACE, buf.data(), static_cast<int>(buf.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        std::vector<double> us(static_cast<std::size_t>(runs));
        for (int i = 0; i < runs; ++i) {
            MPI_Barrier(MPI_COMM_WORLD);  // all ranks start together: the time is the transfer's
            const auto t0 = std::chrono::steady_clock::now();
            MPI_Allreduce(MPI_IN_PLACE, buf.data(), static_cast<int>(buf.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            us[static_cast<std::size_t>(i)] =
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        }
        std::sort(us.begin(), us.end());
        if (rank == 0)
            std::printf("{\"bench\": \"allreduce_alone\", \"net\": \"%s\", \"ranks\": %d, \"bytes\": %zu, \"runs\": %d, "
                        "\"median_us\": %.1f, \"min_us\": %.1f, \"gbytes_per_s\": %.2f}\n",
                        c.net, size, c.floats * sizeof(float), runs, us[us.size() / 2], us.front(),
                        static_cast<double>(c.floats * sizeof(float)) / us[us.size() / 2] / 1e3);
    }
    MPI_Finalize();
    return 0;
}
