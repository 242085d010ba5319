"""JWT sign-in, refresh (rotating, old refresh blacklisted), verify and sign-out."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from portal.api.schema import request_example
from portal.api.serializers import RejectUnknownFieldsMixin, StrictSerializer
from portal.api.throttling import LoginIPThrottle


class SignInSerializer(RejectUnknownFieldsMixin, jwt_serializers.TokenObtainPairSerializer):
    """Wrong passwords count against the same limits as the sign-in page's (per account, and
    per account and address; portal.accounts.adapter): a 429 with Retry-After once used up."""

    def validate(self, attrs):
        request = self.context["request"]
        adapter = get_adapter(request)
        credentials = {"email": attrs.get(self.username_field, "")}
        try:
            adapter.pre_authenticate(request, **credentials)
        except DjangoValidationError:
            raise Throttled(
                wait=adapter.seconds_until_allowed(request, **credentials),
                detail="Too many failed sign-in attempts for this account. Try again later, "
                "or reset the password.",
            ) from None
        data = super().validate(attrs)  # a wrong password raises here, and stays counted
        adapter.forget_attempt()
        return data


@request_example("Refresh", {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…"})
class RefreshSerializer(RejectUnknownFieldsMixin, jwt_serializers.TokenRefreshSerializer):
    pass


@request_example("Check an access token", {"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…"})
class VerifySerializer(RejectUnknownFieldsMixin, jwt_serializers.TokenVerifySerializer):
    pass


TOKEN_PAIR = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)


@extend_schema(
    summary="Sign in: exchange e-mail and password for an access and a refresh token",
    responses={200: TOKEN_PAIR},
    examples=[
        OpenApiExample(
            "Sign in",
            value={"email": "teacher1@riverside.example", "password": "portal-demo"},
            request_only=True,
        )
    ],
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    serializer_class = SignInSerializer
    throttle_classes = [LoginIPThrottle]
    authentication_classes = []


@extend_schema(
    summary="Refresh: a new access token and a new refresh token; the old refresh is revoked",
    responses={200: TOKEN_PAIR},
)
class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = RefreshSerializer
    authentication_classes = []


@extend_schema(summary="Check that a token is valid and not expired", responses={200: None})
class TokenVerifyView(jwt_views.TokenVerifyView):
    serializer_class = VerifySerializer
    authentication_classes = []


@request_example("Sign out", {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…"})
class LogoutSerializer(StrictSerializer):
    refresh = serializers.CharField()


class LogoutView(APIView):
    """Revoke a refresh token so it can no longer be used."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = LogoutSerializer

    @extend_schema(summary="Sign out: revoke the refresh token", responses={204: None})
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise InvalidToken(str(error)) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
