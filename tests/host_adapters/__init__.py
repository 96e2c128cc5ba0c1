SERVICE_TOKEN = "adapter-test-service-token"
WEBHOOK_SECRET = "whsec_YWRhcHRlci10ZXN0LXdlYmhvb2stc2VjcmV0LTEyMzQ="
JWT_SECRET = "adapter-test-jwt-secret-long-enough-for-hs256"
