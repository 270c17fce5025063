// How many distances hnswlib 0.8.0 computes per query, next to recall@10, on the data that
// `vector_compare` wrote (`data.f32`, `queries.f32`, `truth.u32`): the figure to set beside
// mmgraph's own count when asking whether a gap in queries per second is the graph (more
// distances for the same recall) or the cost of each distance. Also prints the level-0 degree.
// Same parameters as `benches/vector_compare.py`: M=16, ef_construction=200, seed 1, L2, one
// thread, the vectors inserted in order, so it builds the same graph as the Python package.
//
// Not built by cargo. hnswlib is header-only; its headers come with the package's source:
//     pip download hnswlib==0.8.0 --no-deps --no-binary hnswlib -d /tmp/hnswsrc
//     tar xzf /tmp/hnswsrc/hnswlib-0.8.0.tar.gz -C /tmp/hnswsrc
//     g++ -O3 -march=native -DNDEBUG -I/tmp/hnswsrc/hnswlib-0.8.0 -o /tmp/hnswlib_count benches/hnswlib/count_distances.cpp
//     /tmp/hnswlib_count /tmp/mmgraph-emb 384
// The index is saved as DIR/hnswlib-count.bin and loaded on later runs. Queries per second
// here are thread CPU time and include the counting call, so compare them with care; the
// benchmark figures come from `vector_compare.py`.
#include "hnswlib/hnswlib.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

long distances = 0;
hnswlib::DISTFUNC<float> l2_of_space = nullptr;

float counted_l2(const void* a, const void* b, const void* param) {
    distances++;
    return l2_of_space(a, b, param);
}

// hnswlib's L2 space, its distance function wrapped by a counter.
class CountingL2 : public hnswlib::SpaceInterface<float> {
   public:
    explicit CountingL2(size_t dim) : inner_(dim) { l2_of_space = inner_.get_dist_func(); }
    size_t get_data_size() override { return inner_.get_data_size(); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return counted_l2; }
    void* get_dist_func_param() override { return inner_.get_dist_func_param(); }

   private:
    hnswlib::L2Space inner_;
};

template <typename T>
std::vector<T> read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(1);
    }
    std::vector<T> out(static_cast<size_t>(file.tellg()) / sizeof(T));
    file.seekg(0);
    file.read(reinterpret_cast<char*>(out.data()), out.size() * sizeof(T));
    return out;
}

double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DIR DIM\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const size_t dim = std::strtoul(argv[2], nullptr, 10);
    const size_t k = 10;
    auto data = read_all<float>(dir + "/data.f32");
    auto queries = read_all<float>(dir + "/queries.f32");
    auto truth = read_all<uint32_t>(dir + "/truth.u32");
    const size_t n = data.size() / dim, nq = queries.size() / dim;

    CountingL2 space(dim);
    const std::string saved = dir + "/hnswlib-count.bin";
    const bool have = std::ifstream(saved).good();
    hnswlib::HierarchicalNSW<float> index(&space, n, 16, 200, 1);
    if (have) {
        index.loadIndex(saved, &space, n);
    } else {
        const double start = thread_seconds();
        for (size_t i = 0; i < n; i++) index.addPoint(&data[i * dim], i);
        std::printf("build %.1f s, %.0f distances an insert\n", thread_seconds() - start,
                    double(distances) / n);
        index.saveIndex(saved);
    }

    long links = 0;
    std::vector<long> by_degree(index.maxM0_ + 1);
    for (size_t i = 0; i < index.cur_element_count; i++) {
        const int degree = index.getListCount(index.get_linklist0(i));
        links += degree;
        by_degree[degree]++;
    }
    std::printf("level-0 degree: mean %.2f;", double(links) / index.cur_element_count);
    for (size_t d = 0; d < by_degree.size(); d++) std::printf(" %zu:%ld", d, by_degree[d]);
    std::printf("\n| ef_search | recall@10 | distances a query | QPS |\n|---|---|---|---|\n");

    for (int ef : {10, 20, 30, 35, 40, 60, 80, 120, 200, 400}) {
        index.setEf(ef);
        distances = 0;
        size_t found = 0;
        const double start = thread_seconds();
        for (size_t q = 0; q < nq; q++) {
            auto result = index.searchKnn(&queries[q * dim], k);
            const std::set<uint32_t> expected(&truth[q * k], &truth[q * k + k]);
            for (; !result.empty(); result.pop()) found += expected.count(result.top().second);
        }
        const double seconds = thread_seconds() - start;
        std::printf("| %d | %.4f | %.1f | %.0f |\n", ef, double(found) / (k * nq),
                    double(distances) / nq, nq / seconds);
    }
    return 0;
}
