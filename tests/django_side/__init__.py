SERVICE_TOKEN = "test-service-token"
# "whsec_" + base64 of 32 bytes
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_c2VjcmV0LW9mLXNvbWVib2R5LWVsc2UtMTIzNDU2"
