// One Chromium per test class is already several processes; running classes one at a time keeps a two-core CI
// machine (with the other suites running alongside) from starving the browsers into timeouts.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
