package api

// benchServices is how many services BenchmarkPushTrafficDay feeds; 10,000 is the
// target set (2.88 million samples).
const benchServices = 10000
