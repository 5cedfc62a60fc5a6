-- Run by the timescale service's entrypoint (/docker-entrypoint-initdb.d/) on first start.
CREATE DATABASE test_analytics;
